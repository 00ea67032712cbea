//! What a document says about who made it: the fields an editor should see before the
//! file is published (author, last editor, company, template paths …).

use quick_xml::Reader;
use quick_xml::Writer;
use quick_xml::events::Event;

/// One field of a document's metadata, named as the format names it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MetadataField {
    /// The field, e.g. `Author`, `dc:creator`, `cp:lastModifiedBy`.
    pub name: String,
    pub value: String,
}

/// Elements of Office and OpenDocument metadata parts that name people, organisations
/// or places on someone's disk.
pub(super) const PERSONAL_ELEMENTS: [&str; 9] = [
    "dc:creator",
    "cp:lastModifiedBy",
    "meta:initial-creator",
    "meta:printed-by",
    "Company",
    "Manager",
    "Template",
    "cp:lastPrinted",
    "meta:template",
];

/// The non-empty text of the personal elements of an XML metadata part, in order.
pub(super) fn personal_fields(xml: &str) -> Vec<MetadataField> {
    let mut reader = Reader::from_str(xml);
    let mut fields = Vec::new();
    let mut open: Option<(String, String)> = None;
    loop {
        let event = match reader.read_event() {
            Ok(Event::Eof) | Err(_) => break,
            Ok(event) => event,
        };
        match &event {
            Event::Start(start) => {
                let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
                open = PERSONAL_ELEMENTS
                    .contains(&name.as_str())
                    .then(|| (name, String::new()));
            }
            Event::Empty(empty) => {
                // `<meta:template xlink:href="file:///home/…"/>` names a path in an attribute.
                let name = String::from_utf8_lossy(empty.name().as_ref()).into_owned();
                if PERSONAL_ELEMENTS.contains(&name.as_str()) {
                    for attribute in empty.attributes().flatten() {
                        let value = String::from_utf8_lossy(&attribute.value).into_owned();
                        if !value.trim().is_empty() {
                            fields.push(MetadataField {
                                name: name.clone(),
                                value,
                            });
                        }
                    }
                }
            }
            Event::End(_) => {
                if let Some((name, value)) = open.take()
                    && !value.trim().is_empty()
                {
                    fields.push(MetadataField {
                        name,
                        value: value.trim().to_owned(),
                    });
                }
            }
            other => {
                if let (Some((_, value)), Some(text)) = (open.as_mut(), text_of(other)) {
                    value.push_str(&text);
                }
            }
        }
    }
    fields
}

/// The character data an event carries: text (unescaped), an entity reference resolved,
/// or CDATA.
pub(super) fn text_of(event: &Event<'_>) -> Option<String> {
    match event {
        Event::Text(text) => {
            let decoded = text.decode().ok()?;
            Some(
                quick_xml::escape::unescape(&decoded)
                    .map(|value| value.into_owned())
                    .unwrap_or_else(|_| decoded.into_owned()),
            )
        }
        Event::GeneralRef(reference) => {
            let entity = format!("&{};", String::from_utf8_lossy(reference));
            quick_xml::escape::unescape(&entity)
                .ok()
                .map(|value| value.into_owned())
        }
        Event::CData(data) => Some(String::from_utf8_lossy(data).into_owned()),
        _ => None,
    }
}

/// The XML part with the personal elements emptied (their elements kept, so that every
/// reader still finds the part well-formed and as expected).
pub(super) fn blank_personal_fields(xml: &[u8]) -> Option<Vec<u8>> {
    let mut reader = Reader::from_reader(xml);
    let mut writer = Writer::new(Vec::with_capacity(xml.len()));
    let mut inside_personal = 0_usize;
    let mut buffer = Vec::new();
    loop {
        let event = reader.read_event_into(&mut buffer).ok()?;
        match &event {
            Event::Eof => break,
            Event::Start(start) => {
                let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
                if inside_personal > 0 || PERSONAL_ELEMENTS.contains(&name.as_str()) {
                    inside_personal += 1;
                }
                writer.write_event(event.borrow()).ok()?;
            }
            Event::End(_) => {
                inside_personal = inside_personal.saturating_sub(1);
                writer.write_event(event.borrow()).ok()?;
            }
            Event::Empty(empty) => {
                let name = String::from_utf8_lossy(empty.name().as_ref()).into_owned();
                if PERSONAL_ELEMENTS.contains(&name.as_str()) {
                    // An element that names a path in its attributes goes altogether.
                    continue;
                }
                writer.write_event(event.borrow()).ok()?;
            }
            Event::Text(_) | Event::CData(_) | Event::GeneralRef(_) if inside_personal > 0 => {}
            _ => writer.write_event(event.borrow()).ok()?,
        }
        buffer.clear();
    }
    Some(writer.into_inner())
}
