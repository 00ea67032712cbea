use super::*;
use crate::domain::ArticleBody;

/// The body as it is stored: sanitised, with heading anchors.
fn sanitised(html: &str) -> String {
    match ArticleBody::from_untrusted_html(html) {
        Ok(body) => body.html,
        Err(error) => panic!("body rejected: {error}"),
    }
}

fn article_with_body(html: &str) -> ArticleUnderCheck {
    ArticleUnderCheck {
        title: "Nowe godziny pracy urzędu".to_owned(),
        lead: "Od marca urząd przyjmuje interesantów także w soboty.".to_owned(),
        body_html: sanitised(html),
        photos: Vec::new(),
    }
}

fn body_findings(html: &str) -> Vec<Finding> {
    check(&article_with_body(html))
}

fn kinds(findings: &[Finding]) -> Vec<FindingKind> {
    findings.iter().map(|finding| finding.kind).collect()
}

fn photo(id: i64, alt: Option<&str>) -> PhotoUnderCheck {
    PhotoUnderCheck {
        id,
        caption: format!("Podpis zdjęcia {id}"),
        alt: alt.map(str::to_owned),
    }
}

/// Every element the browser would find with `PLACE_SELECTOR`, by index, to show that a
/// target names the element the finding is about.
fn place(body_html: &str, element_index: usize) -> (String, String) {
    let document = Html::parse_fragment(body_html);
    let selector = Selector::parse(PLACE_SELECTOR).unwrap_or_else(|error| panic!("{error}"));
    let element = document
        .select(&selector)
        .nth(element_index)
        .unwrap_or_else(|| panic!("no place {element_index} in {body_html}"));
    (
        element.value().name().to_owned(),
        collapse_whitespace(&element.text().collect::<String>()),
    )
}

const CLEAN_ARTICLE_BODY: &str = r#"
<p>Od 1 marca 2025&nbsp;r. Urząd Gminy w Żółkiewce będzie czynny także w&nbsp;soboty.
Zmiana to odpowiedź na prośby mieszkańców, którzy pracują w tygodniu poza gminą.</p>
<h2>Godziny pracy</h2>
<p>W dni powszednie urząd pracuje jak dotąd, od 7:30 do 15:30. W soboty otwarte będą
<strong>biuro obsługi mieszkańców</strong> i <em>kasa</em>.</p>
<table>
  <caption>Godziny otwarcia od 1 marca</caption>
  <thead><tr><th scope="col">Dzień</th><th scope="col">Godziny</th></tr></thead>
  <tbody>
    <tr><td>Poniedziałek–piątek</td><td>7:30–15:30</td></tr>
    <tr><td>Sobota</td><td>8:00–12:00</td></tr>
  </tbody>
</table>
<h3>Co można załatwić w sobotę</h3>
<ul>
  <li>złożyć wniosek o dowód osobisty,</li>
  <li>zapłacić podatek od nieruchomości,</li>
  <li>odebrać worki na odpady segregowane.</li>
</ul>
<h2>Więcej informacji</h2>
<p>Szczegóły są w <a href="https://bip.zolkiewka.example.pl/zarzadzenie-12-2025">zarządzeniu
wójta nr 12/2025</a>. Pytania prosimy kierować na adres
<a href="mailto:sekretariat@zolkiewka.example.pl">sekretariat@zolkiewka.example.pl</a>
lub pod numer <a href="tel:+48825761234">82 576 12 34</a>.</p>
<figure><img src="/media/ratusz.webp" alt="Budynek urzędu gminy z czerwonej cegły, przed wejściem ławki i klomb">
<figcaption>Urząd Gminy w Żółkiewce. Fot. Anna Nowak</figcaption></figure>
<blockquote><p>Chcemy, żeby urząd był otwarty wtedy, kiedy mieszkańcy mogą do niego przyjść.</p></blockquote>
<p><strong>Ważne:</strong> w soboty nie działa kasa przy ul. Lubelskiej.</p>
<h2>ZUS i NFZ w gminie</h2>
<p>Punkt informacyjny ZUS i NFZ działa w sali nr 4.</p>
"#;

#[test]
fn a_clean_polish_article_has_no_findings() {
    let article = ArticleUnderCheck {
        title: "Urząd w Żółkiewce czynny także w soboty".to_owned(),
        lead: "Od 1 marca mieszkańcy załatwią najważniejsze sprawy w sobotę przed południem."
            .to_owned(),
        body_html: sanitised(CLEAN_ARTICLE_BODY),
        photos: vec![
            photo(
                7,
                Some("Wójt Jan Kowalski przecina wstęgę przed wejściem do urzędu"),
            ),
            photo(8, Some("Kolejka mieszkańców przy okienku biura obsługi")),
        ],
    };
    let findings = check(&article);
    assert_eq!(findings, Vec::new());
    assert!(!blocks_publishing(&findings));
}

#[test]
fn a_photo_without_alternative_text_blocks_publishing_and_points_at_the_photo() {
    let mut article = article_with_body("<p>Tekst.</p>");
    article.photos = vec![photo(3, Some("Rynek nocą")), photo(4, None)];
    let findings = check(&article);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let finding = &findings[0];
    assert_eq!(finding.kind, FindingKind::PhotoWithoutAlt);
    assert_eq!(finding.severity, Severity::Blocking);
    assert_eq!(finding.target, Target::Photo(4));
    assert_eq!(finding.excerpt, "Podpis zdjęcia 4");
    assert!(
        finding.message.contains("Tekst alternatywny"),
        "{}",
        finding.message
    );
    assert!(blocks_publishing(&findings));
}

#[test]
fn blank_file_name_and_placeholder_alternative_texts_block_publishing() {
    let mut article = article_with_body("<p>Tekst.</p>");
    article.photos = vec![
        photo(1, Some("   ")),
        photo(2, Some("IMG_1234.jpg")),
        photo(3, Some("zdjęcie")),
        photo(4, Some("FOTO")),
        photo(5, Some("DSC01234")),
        photo(6, Some("Zdjęcie z lotu ptaka: rynek w Żółkiewce")),
    ];
    let findings = check(&article);
    let targets: Vec<_> = findings.iter().map(|finding| finding.target).collect();
    assert_eq!(targets, [1, 2, 3, 4, 5].map(Target::Photo), "{findings:#?}");
    assert!(findings.iter().all(Finding::is_blocking));
    assert!(
        findings[1].message.contains("nazwa pliku"),
        "{}",
        findings[1].message
    );
    assert!(
        findings[1].message.contains("IMG_1234.jpg"),
        "{}",
        findings[1].message
    );
}

#[test]
fn a_body_image_without_alternative_text_blocks_publishing() {
    // The sanitiser keeps `img` with its `alt`, so the body is checked as well as the gallery.
    let body = sanitised(
        r#"<p>Plan:</p><p><img src="/media/plan.png"></p><p><img src="/media/a.png" alt="IMG_0001.PNG"></p><p><img src="/media/b.png" alt="Plan parteru urzędu z zaznaczonym biurem obsługi"></p>"#,
    );
    assert!(body.contains("<img"), "the sanitiser dropped img: {body}");
    let findings = check(&ArticleUnderCheck {
        body_html: body.clone(),
        ..ArticleUnderCheck::default()
    });
    assert_eq!(
        kinds(&findings),
        [FindingKind::ImageWithoutAlt, FindingKind::ImageWithoutAlt]
    );
    assert!(findings.iter().all(Finding::is_blocking));
    for finding in &findings {
        let Target::Body { element_index } = finding.target else {
            panic!("{finding:?}");
        };
        assert_eq!(place(&body, element_index).0, "img");
    }
    assert_eq!(findings[0].excerpt, "/media/plan.png");
    assert_eq!(findings[1].excerpt, "IMG_0001.PNG");
}

#[test]
fn a_skipped_heading_level_is_found_at_the_heading_that_skips() {
    let body =
        sanitised("<h2>Plan</h2><p>Tekst.</p><h4>Szczegóły</h4><h3>Koszty</h3><h4>Etap I</h4>");
    let findings = check(&ArticleUnderCheck {
        body_html: body.clone(),
        ..ArticleUnderCheck::default()
    });
    assert_eq!(
        kinds(&findings),
        [FindingKind::SkippedHeadingLevel],
        "{findings:#?}"
    );
    let finding = &findings[0];
    assert_eq!(finding.severity, Severity::Warning);
    assert_eq!(finding.excerpt, "Szczegóły");
    let Target::Body { element_index } = finding.target else {
        panic!("{finding:?}");
    };
    assert_eq!(
        place(&body, element_index),
        ("h4".to_owned(), "Szczegóły".to_owned())
    );
    assert!(
        finding.message.contains("Nagłówek 3"),
        "{}",
        finding.message
    );
}

#[test]
fn the_first_heading_of_the_body_must_be_h2_because_the_title_is_h1() {
    let findings = body_findings("<p>Wstęp.</p><h3>Plan</h3><h4>Etap</h4>");
    assert_eq!(kinds(&findings), [FindingKind::SkippedHeadingLevel]);
    assert_eq!(findings[0].excerpt, "Plan");
    assert!(
        findings[0].message.contains("Nagłówka 2"),
        "{}",
        findings[0].message
    );
    assert_eq!(
        body_findings("<h2>Plan</h2><h3>Etap</h3><h2>Koszty</h2><h3>Rok</h3>"),
        []
    );
}

#[test]
fn empty_headings_are_found_and_do_not_count_as_a_level() {
    let findings = body_findings("<h2>Plan</h2><h3> </h3><h3>Etap</h3>");
    assert_eq!(kinds(&findings), [FindingKind::EmptyHeading]);
}

#[test]
fn a_heading_that_is_a_sentence_is_a_heading_used_for_emphasis() {
    let findings = body_findings(
        "<h2>Urząd będzie nieczynny w piątek.</h2>\
         <h2>W związku z remontem budynku urząd przyjmuje interesantów w sali gimnastycznej szkoły podstawowej</h2>\
         <h2>Zmiany od 1 stycznia 2025 r.</h2><h2>Co się zmieni?</h2>",
    );
    assert_eq!(
        kinds(&findings),
        [
            FindingKind::HeadingUsedForEmphasis,
            FindingKind::HeadingUsedForEmphasis
        ],
        "{findings:#?}"
    );
    assert_eq!(findings[0].excerpt, "Urząd będzie nieczynny w piątek.");
}

#[test]
fn a_short_paragraph_all_in_bold_is_bold_text_used_as_a_heading() {
    let body = sanitised(
        "<p><strong>Harmonogram prac</strong></p><p>Prace potrwają do maja.</p>\
         <p><b>Koszty </b><strong><em>inwestycji</em></strong></p><ul><li>Gmina: 2 mln zł</li></ul>",
    );
    let findings = check(&ArticleUnderCheck {
        body_html: body.clone(),
        ..ArticleUnderCheck::default()
    });
    assert_eq!(
        kinds(&findings),
        [
            FindingKind::BoldTextUsedAsHeading,
            FindingKind::BoldTextUsedAsHeading
        ]
    );
    let Target::Body { element_index } = findings[0].target else {
        panic!("{:?}", findings[0]);
    };
    assert_eq!(
        place(&body, element_index),
        ("p".to_owned(), "Harmonogram prac".to_owned())
    );
    assert_eq!(findings[1].excerpt, "Koszty inwestycji");
}

#[test]
fn bold_inside_a_sentence_a_bold_sentence_and_a_closing_bold_line_are_not_headings() {
    let findings = body_findings(
        "<p><strong>Uwaga:</strong> zmiana godzin pracy.</p>\
         <p><strong>Urząd będzie nieczynny w piątek.</strong></p>\
         <p>Tekst.</p>\
         <p><strong>Serdecznie zapraszamy</strong></p>",
    );
    assert_eq!(findings, []);
}

#[test]
fn empty_links_are_found_but_an_image_link_is_named_by_its_alternative_text() {
    let findings = body_findings(
        r#"<p>Zobacz <a href="https://example.pl/a"> </a> i
        <a href="https://example.pl/b"><img src="/m/logo.png" alt="Logo programu Czyste Powietrze"></a></p>"#,
    );
    assert_eq!(kinds(&findings), [FindingKind::EmptyLink], "{findings:#?}");
}

#[test]
fn vague_link_texts_are_found_whatever_the_case_diacritics_and_punctuation() {
    for text in [
        "kliknij tutaj",
        "Kliknij tutaj.",
        "TUTAJ",
        "więcej",
        "Więcej…",
        "wiecej",
        "Czytaj więcej »",
        "link",
        "strona",
        "Pobierz!",
    ] {
        let findings = body_findings(&format!(
            r#"<p>Regulamin jest <a href="https://example.pl/regulamin.pdf">{text}</a></p>"#
        ));
        assert_eq!(
            kinds(&findings),
            [FindingKind::VagueLinkText],
            "{text}: {findings:#?}"
        );
        assert!(
            findings[0].message.contains(text.trim()),
            "{}",
            findings[0].message
        );
    }
}

#[test]
fn a_bare_address_as_link_text_is_found() {
    let findings = body_findings(
        r#"<p>Wnioski: <a href="https://bip.example.gov.pl/wnioski">https://bip.example.gov.pl/wnioski</a>,
        <a href="https://www.gov.pl">www.gov.pl</a>,
        <a href="https://www.gov.pl/web/gov/uzyskaj-dowod-osobisty">Uzyskaj dowód osobisty</a>.</p>"#,
    );
    assert_eq!(
        kinds(&findings),
        [FindingKind::BareUrlLinkText, FindingKind::BareUrlLinkText]
    );
    assert_eq!(findings[0].excerpt, "https://bip.example.gov.pl/wnioski");
}

#[test]
fn all_capital_paragraphs_headings_list_items_title_and_lead_are_found() {
    let article = ArticleUnderCheck {
        title: "UWAGA! ZMIANA GODZIN PRACY URZĘDU".to_owned(),
        lead: "ŻÓŁTA KARTKA DLA ŚWIĘTOKRZYSKICH DRÓG W GMINIE".to_owned(),
        body_html: sanitised(
            "<h2>ŚWIĘTO PLONÓW W ŻÓŁKIEWCE ZAPRASZAMY</h2>\
             <p>ZAPRASZAMY WSZYSTKICH MIESZKAŃCÓW NA DOŻYNKI GMINNE.</p>\
             <ul><li><p>GRY I ZABAWY DLA DZIECI OD POŁUDNIA</p></li></ul>\
             <p>Organizują je ZUS, NFZ i KRUS.</p>",
        ),
        photos: Vec::new(),
    };
    let findings = check(&article);
    assert_eq!(
        findings
            .iter()
            .map(|finding| (finding.kind, finding.target))
            .collect::<Vec<_>>(),
        [
            (FindingKind::AllCapitals, Target::Title),
            (FindingKind::AllCapitals, Target::Lead),
            (FindingKind::AllCapitals, Target::Body { element_index: 0 }),
            (FindingKind::AllCapitals, Target::Body { element_index: 1 }),
            // ul (2) and li (3) hold the paragraph (4), which is reported once, itself.
            (FindingKind::AllCapitals, Target::Body { element_index: 4 }),
        ],
        "{findings:#?}"
    );
    assert!(
        findings[0].message.starts_with("Tytuł"),
        "{}",
        findings[0].message
    );
    assert!(
        findings[1].message.starts_with("Wstęp"),
        "{}",
        findings[1].message
    );
}

#[test]
fn tables_without_header_cells_are_found() {
    let body = sanitised(
        "<p>Wyniki:</p><table><tr><td>Rok</td><td>Kwota</td></tr><tr><td>2024</td><td>5 mln zł</td></tr></table>\
         <table><tr><th scope=\"row\">2024</th><td>5 mln zł</td></tr></table>",
    );
    let findings = check(&ArticleUnderCheck {
        body_html: body.clone(),
        ..ArticleUnderCheck::default()
    });
    assert_eq!(kinds(&findings), [FindingKind::TableWithoutHeaders]);
    let Target::Body { element_index } = findings[0].target else {
        panic!("{:?}", findings[0]);
    };
    assert_eq!(place(&body, element_index).0, "table");
    assert!(
        findings[0].excerpt.starts_with("Rok Kwota"),
        "{}",
        findings[0].excerpt
    );
}

#[test]
fn findings_come_in_reading_order_and_excerpts_are_short() {
    let long_sentence = "Bardzo długi nagłówek, który ciągnie się i ciągnie przez wiele słów, \
                         aż w końcu przestaje przypominać nagłówek i staje się całym akapitem tekstu.";
    let mut article = article_with_body(&format!(
        r#"<h2>{long_sentence}</h2><p><a href="https://e.pl">tutaj</a></p><table><tr><td>1</td></tr></table>"#
    ));
    article.photos = vec![photo(9, None)];
    let findings = check(&article);
    assert_eq!(
        kinds(&findings),
        [
            FindingKind::HeadingUsedForEmphasis,
            FindingKind::VagueLinkText,
            FindingKind::TableWithoutHeaders,
            FindingKind::PhotoWithoutAlt,
        ]
    );
    assert!(
        findings[0].excerpt.chars().count() <= 80,
        "{}",
        findings[0].excerpt
    );
    assert!(
        findings[0].excerpt.ends_with('…'),
        "{}",
        findings[0].excerpt
    );
}

#[test]
fn an_empty_article_has_no_findings() {
    assert_eq!(check(&ArticleUnderCheck::default()), []);
}
