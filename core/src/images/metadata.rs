//! What an original's metadata may tell the editor: when the photo was taken, and who to
//! credit. Read with `kamadak-exif` (EXIF in JPEG, TIFF, PNG and WebP) and a small reader
//! of the IPTC block that Photoshop-style tools write into JPEG. Everything else in the
//! metadata (GPS, serial numbers, owner names) is never read: renditions are re-encoded
//! from pixels, so none of it reaches the public.

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};
use exif::{In, Tag, Value};

/// The parts of an original's metadata that Kronika uses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PhotoMetadata {
    pub taken_at: Option<DateTime<Utc>>,
    /// A credit suggested by the file: the artist, or else the copyright holder; never
    /// an e-mail address, phone number or URL.
    pub credit: Option<String>,
}

/// Reads what it can; broken or missing metadata just leaves fields empty. `zone` is
/// the zone a date without an offset is read in (cameras store local wall time).
pub fn read(bytes: &[u8], zone: chrono_tz::Tz) -> PhotoMetadata {
    let mut metadata = PhotoMetadata::default();
    if let Ok(exif) = exif::Reader::new().read_from_container(&mut std::io::Cursor::new(bytes)) {
        metadata.taken_at = taken_at(&exif, zone);
        metadata.credit = [Tag::Artist, Tag::Copyright]
            .into_iter()
            .filter_map(|tag| ascii_field(&exif, tag))
            .find_map(|value| usable_credit(&value));
    }
    if metadata.credit.is_none() {
        metadata.credit = iptc_credit(bytes);
    }
    metadata
}

fn ascii_field(exif: &exif::Exif, tag: Tag) -> Option<String> {
    match &exif.get_field(tag, In::PRIMARY)?.value {
        Value::Ascii(parts) => {
            let joined: Vec<String> = parts
                .iter()
                .map(|part| String::from_utf8_lossy(part).into_owned())
                .collect();
            Some(joined.join(" "))
        }
        _ => None,
    }
}

fn taken_at(exif: &exif::Exif, zone: chrono_tz::Tz) -> Option<DateTime<Utc>> {
    let raw = [Tag::DateTimeOriginal, Tag::DateTimeDigitized, Tag::DateTime]
        .into_iter()
        .find_map(|tag| match &exif.get_field(tag, In::PRIMARY)?.value {
            Value::Ascii(parts) => parts.first().cloned(),
            _ => None,
        })?;
    let mut parsed = exif::DateTime::from_ascii(&raw).ok()?;
    if let Some(Value::Ascii(parts)) = exif
        .get_field(Tag::OffsetTimeOriginal, In::PRIMARY)
        .map(|field| &field.value)
        && let Some(offset) = parts.first()
    {
        // A bad offset leaves the time in the site's zone.
        let _ = parsed.parse_offset(offset);
    }
    let naive = NaiveDate::from_ymd_opt(
        i32::from(parsed.year),
        u32::from(parsed.month),
        u32::from(parsed.day),
    )?
    .and_hms_opt(
        u32::from(parsed.hour),
        u32::from(parsed.minute),
        u32::from(parsed.second),
    )?;
    match parsed.offset {
        Some(minutes) => FixedOffset::east_opt(i32::from(minutes) * 60)?
            .from_local_datetime(&naive)
            .single()
            .map(|local| local.with_timezone(&Utc)),
        None => zone
            .from_local_datetime(&naive)
            .earliest()
            .map(|local| local.with_timezone(&Utc)),
    }
}

/// The longest credit kept; longer values are notes, not names.
const MAX_CREDIT_CHARS: usize = 100;

/// A credit from a metadata field, or `None` when it is empty or could identify or
/// reach a person privately: e-mail addresses, phone numbers and URLs are what real
/// cameras store as their owner's "artist".
pub fn usable_credit(value: &str) -> Option<String> {
    let mut credit = value.trim_matches(|c: char| c.is_whitespace() || c == '\0');
    for prefix in ["©", "(c)", "(C)", "Copyright", "copyright"] {
        credit = credit.strip_prefix(prefix).unwrap_or(credit).trim_start();
    }
    let credit = credit.trim();
    let lower = credit.to_lowercase();
    let digits = credit.chars().filter(char::is_ascii_digit).count();
    let private = credit.contains('@')
        || lower.contains("http:")
        || lower.contains("https:")
        || lower.contains("www.")
        || lower.contains(".com")
        || lower.contains(".pl")
        || digits >= 7;
    let readable = !credit.is_empty()
        && credit.chars().count() <= MAX_CREDIT_CHARS
        && !credit.chars().any(char::is_control);
    (readable && !private).then(|| credit.to_owned())
}

/// IPTC By-line (2:80), else Copyright Notice (2:116), from a JPEG's Photoshop APP13.
fn iptc_credit(bytes: &[u8]) -> Option<String> {
    let records = iptc_records(bytes)?;
    [80u8, 116].into_iter().find_map(|wanted| {
        records
            .iter()
            .filter(|(dataset, _)| *dataset == wanted)
            .find_map(|(_, value)| usable_credit(&String::from_utf8_lossy(value)))
    })
}

/// The IPTC application records (dataset number and value) of a JPEG, if it has them.
fn iptc_records(bytes: &[u8]) -> Option<Vec<(u8, Vec<u8>)>> {
    let app13 = jpeg_segment(bytes, 0xED)?;
    let photoshop = app13.strip_prefix(b"Photoshop 3.0\0")?;
    // 8BIM resources: signature, id, Pascal name padded to even, size, data padded.
    let mut rest = photoshop;
    while rest.len() >= 12 && &rest[..4] == b"8BIM" {
        let id = u16::from_be_bytes([rest[4], rest[5]]);
        let name_len = usize::from(rest[6]);
        let name_total = (name_len + 1 + 1) & !1;
        let size_at = 6 + name_total;
        let size_bytes = rest.get(size_at..size_at + 4)?;
        let size = u32::from_be_bytes([size_bytes[0], size_bytes[1], size_bytes[2], size_bytes[3]])
            as usize;
        let data = rest.get(size_at + 4..(size_at + 4).checked_add(size)?)?;
        if id == 0x0404 {
            return Some(parse_iptc(data));
        }
        rest = rest.get(size_at + 4 + ((size + 1) & !1)..)?;
    }
    None
}

fn parse_iptc(mut data: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let mut records = Vec::new();
    while data.len() >= 5 && data[0] == 0x1C {
        let (record, dataset) = (data[1], data[2]);
        let size = usize::from(u16::from_be_bytes([data[3], data[4]]));
        let Some(value) = data.get(5..5 + size) else {
            break;
        };
        if record == 2 {
            records.push((dataset, value.to_vec()));
        }
        data = &data[5 + size..];
    }
    records
}

/// The payload of the first JPEG marker segment `marker` before the image data.
fn jpeg_segment(bytes: &[u8], marker: u8) -> Option<&[u8]> {
    let mut at = 2;
    if bytes.get(..2) != Some(&[0xFF, 0xD8][..]) {
        return None;
    }
    loop {
        let header = bytes.get(at..at + 4)?;
        if header[0] != 0xFF || header[1] == 0xDA {
            return None;
        }
        let length = usize::from(u16::from_be_bytes([header[2], header[3]]));
        let payload = bytes.get(at + 4..at + 2 + length.max(2))?;
        if header[1] == marker {
            return Some(payload);
        }
        at += 2 + length;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credits_never_carry_contact_details() {
        assert_eq!(
            usable_credit("Jan Kowalski"),
            Some("Jan Kowalski".to_owned())
        );
        assert_eq!(usable_credit("© 2018 UMWM"), Some("2018 UMWM".to_owned()));
        assert_eq!(usable_credit("jan@example.org"), None);
        assert_eq!(usable_credit("Jan Kowalski <jan@example.org>"), None);
        assert_eq!(usable_credit("tel. +48 600 100 200"), None);
        assert_eq!(usable_credit("https://example.org/jan"), None);
        assert_eq!(usable_credit("   "), None);
    }
}
