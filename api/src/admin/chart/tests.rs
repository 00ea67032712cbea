use std::collections::HashSet;

use scraper::{ElementRef, Html, Selector};

use super::*;

fn parse(markup: &Markup) -> Html {
    Html::parse_fragment(&markup.0)
}

fn select<'a>(document: &'a Html, selector: &str) -> Vec<ElementRef<'a>> {
    let selector = Selector::parse(selector).unwrap_or_else(|error| panic!("{selector}: {error}"));
    document.select(&selector).collect()
}

fn one<'a>(document: &'a Html, selector: &str) -> ElementRef<'a> {
    let found = select(document, selector);
    assert_eq!(found.len(), 1, "{selector}: {}", document.html());
    found[0]
}

fn text(element: ElementRef<'_>) -> String {
    element.text().collect::<String>().trim().to_owned()
}

/// The text of an element without that of its children (a label without its `<title>`).
fn own_text(element: ElementRef<'_>) -> String {
    element
        .children()
        .filter_map(|child| child.value().as_text().map(|text| text.to_string()))
        .collect::<String>()
        .trim()
        .to_owned()
}

fn number_attribute(element: ElementRef<'_>, name: &str) -> f64 {
    let value = element
        .value()
        .attr(name)
        .unwrap_or_else(|| panic!("no {name} on {}", element.html()));
    value
        .parse()
        .unwrap_or_else(|error| panic!("{name}={value}: {error}"))
}

fn day(month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, month, day).unwrap_or_else(|| panic!("2025-{month}-{day}"))
}

fn week() -> Vec<(NaiveDate, u64)> {
    [120, 933, 0, 45, 12345, 700, 1]
        .into_iter()
        .enumerate()
        .map(|(offset, views)| (day(2, 18 + offset as u32), views))
        .collect()
}

fn view_box(document: &Html) -> (f64, f64) {
    let svg = one(document, "svg");
    let view_box = svg.value().attr("viewBox").unwrap_or_default();
    let numbers: Vec<f64> = view_box
        .split_whitespace()
        .map(|number| number.parse().unwrap_or(f64::NAN))
        .collect();
    assert_eq!(numbers.len(), 4, "viewBox={view_box}");
    assert_eq!((numbers[0], numbers[1]), (0.0, 0.0));
    (numbers[2], numbers[3])
}

/// What every chart must be: a named and described image, no inline style, no fixed size,
/// every number finite, and its numbers in a table behind "Pokaż dane w tabeli".
fn assert_accessible_chart(document: &Html, id_prefix: &str, title: &str, description: &str) {
    let figure = one(document, "figure");
    assert_eq!(text(one(document, "figure > figcaption")), title);
    let svg = one(document, "figure > svg");
    assert_eq!(svg.value().attr("role"), Some("img"));
    let title_id = svg.value().attr("aria-labelledby").unwrap_or_default();
    let description_id = svg.value().attr("aria-describedby").unwrap_or_default();
    assert!(title_id.starts_with(id_prefix), "{title_id}");
    assert!(description_id.starts_with(id_prefix), "{description_id}");
    assert_eq!(
        text(one(document, &format!("svg > title#{title_id}"))),
        title
    );
    assert_eq!(
        text(one(document, &format!("svg > desc#{description_id}"))),
        description
    );
    assert_eq!(
        svg.value().attr("width"),
        None,
        "a fixed width does not scale"
    );
    assert_eq!(
        svg.value().attr("height"),
        None,
        "a fixed height does not scale"
    );
    let (width, height) = view_box(document);
    assert!(width > 0.0 && height > 0.0);

    for element in figure.descendants().filter_map(ElementRef::wrap) {
        assert_eq!(element.value().attr("style"), None, "{}", element.html());
        assert_ne!(element.value().name(), "style");
        assert_ne!(element.value().name(), "script");
        for (name, value) in element.value().attrs() {
            if matches!(
                name,
                "x" | "y" | "x1" | "x2" | "y1" | "y2" | "width" | "height"
            ) {
                let number: f64 = value
                    .parse()
                    .unwrap_or_else(|error| panic!("{name}={value}: {error}"));
                assert!(number.is_finite() && number >= 0.0, "{name}={value}");
            }
        }
    }
    for bar in select(document, "svg rect") {
        assert_eq!(bar.value().attr("class"), Some("chart-bar"));
        let right = number_attribute(bar, "x") + number_attribute(bar, "width");
        let bottom = number_attribute(bar, "y") + number_attribute(bar, "height");
        assert!(
            right <= width + 0.01 && bottom <= height + 0.01,
            "{}",
            bar.html()
        );
        // SVG elements are closed explicitly: an unclosed <rect> would swallow the next one.
        assert!(select(document, "rect rect").is_empty());
    }
    assert!(select(document, "line line").is_empty());
    assert!(!select(document, "svg g.chart-grid > line").is_empty());
    assert!(!select(document, "svg g.chart-axis > line").is_empty());
    assert!(!select(document, "svg g.chart-label > text").is_empty());

    let details = one(document, "figure > details");
    assert_eq!(
        text(one(document, "details > summary")),
        "Pokaż dane w tabeli"
    );
    assert!(
        details.value().attr("open").is_none(),
        "the table starts folded"
    );
    assert_eq!(text(one(document, "details > table > caption")), title);
    assert!(!select(document, "table thead th[scope=col]").is_empty());
}

fn bars(document: &Html) -> Vec<ElementRef<'_>> {
    select(document, "svg g.chart-bars > rect.chart-bar")
}

fn labels(document: &Html, group: &str) -> Vec<String> {
    select(
        document,
        &format!("svg g.chart-label[text-anchor={group}] > text"),
    )
    .into_iter()
    .map(text)
    .collect()
}

#[test]
fn daily_views_chart_is_an_accessible_figure_with_one_bar_per_day() {
    let markup = daily_views_chart(
        "views-7",
        "Wyświetlenia dzień po dniu",
        "Od 18 do 24 lutego 2025; najwięcej 22 lutego: 12 345.",
        &week(),
    );
    let document = parse(&markup);
    assert_accessible_chart(
        &document,
        "views-7",
        "Wyświetlenia dzień po dniu",
        "Od 18 do 24 lutego 2025; najwięcej 22 lutego: 12 345.",
    );
    let bars = bars(&document);
    assert_eq!(bars.len(), 7);

    // Heights are proportional to the views, bars stand on one baseline, left to right.
    let heights: Vec<f64> = bars
        .iter()
        .map(|bar| number_attribute(*bar, "height"))
        .collect();
    let tallest = heights.iter().cloned().fold(0.0, f64::max);
    assert_eq!(heights[4], tallest);
    assert_eq!(heights[2], 0.0);
    assert!(
        (heights[1] / heights[4] - 933.0 / 12345.0).abs() < 0.001,
        "{heights:?}"
    );
    let baselines: HashSet<String> = bars
        .iter()
        .map(|bar| {
            format!(
                "{:.1}",
                number_attribute(*bar, "y") + number_attribute(*bar, "height")
            )
        })
        .collect();
    assert_eq!(baselines.len(), 1, "{baselines:?}");
    let xs: Vec<f64> = bars.iter().map(|bar| number_attribute(*bar, "x")).collect();
    assert!(xs.windows(2).all(|pair| pair[0] < pair[1]), "{xs:?}");

    // Each bar names its day and views for a mouse user's tooltip.
    assert_eq!(
        text(one(&document, "rect:nth-child(5) > title")),
        "22 lutego 2025: 12\u{a0}345"
    );

    assert_eq!(
        labels(&document, "middle"),
        [
            "18.02", "19.02", "20.02", "21.02", "22.02", "23.02", "24.02"
        ]
    );
    assert_eq!(
        labels(&document, "end"),
        ["0", "5000", "10\u{a0}000", "15\u{a0}000"],
        "round ticks up to the first above the maximum"
    );
}

#[test]
fn daily_views_table_has_the_same_numbers_with_row_and_column_headers() {
    let document = parse(&daily_views_chart("v", "Wyświetlenia", "Opis", &week()));
    let column_headers: Vec<String> = select(&document, "thead th[scope=col]")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(column_headers, ["Dzień", "Wyświetlenia"]);
    let rows = select(&document, "tbody > tr");
    assert_eq!(rows.len(), 7);
    let cells: Vec<(String, String)> = rows
        .iter()
        .map(|row| {
            let header = row
                .children()
                .filter_map(ElementRef::wrap)
                .find(|cell| cell.value().name() == "th")
                .unwrap_or_else(|| panic!("no row header in {}", row.html()));
            assert_eq!(header.value().attr("scope"), Some("row"));
            let value = row
                .children()
                .filter_map(ElementRef::wrap)
                .find(|cell| cell.value().name() == "td")
                .unwrap_or_else(|| panic!("no cell in {}", row.html()));
            (text(header), text(value))
        })
        .collect();
    assert_eq!(cells[0], ("18 lutego 2025".to_owned(), "120".to_owned()));
    assert_eq!(cells[2], ("20 lutego 2025".to_owned(), "0".to_owned()));
    assert_eq!(
        cells[4],
        ("22 lutego 2025".to_owned(), "12\u{a0}345".to_owned())
    );
}

#[test]
fn one_day_is_one_bar_inside_the_chart() {
    let document = parse(&daily_views_chart(
        "one",
        "Dziś",
        "Jeden dzień",
        &[(day(3, 1), 42)],
    ));
    assert_accessible_chart(&document, "one", "Dziś", "Jeden dzień");
    assert_eq!(bars(&document).len(), 1);
    assert_eq!(labels(&document, "middle"), ["01.03"]);
    assert_eq!(labels(&document, "end"), ["0", "20", "40", "60"]);
}

#[test]
fn a_leap_year_of_days_thins_the_labels_and_keeps_the_last_day() {
    let first = day(1, 1) - chrono::Days::new(365);
    let days: Vec<(NaiveDate, u64)> = (0..366u64)
        .map(|offset| (first + chrono::Days::new(offset), offset * 3 % 1000))
        .collect();
    let document = parse(&daily_views_chart("year", "Rok", "366 dni", &days));
    assert_accessible_chart(&document, "year", "Rok", "366 dni");
    assert_eq!(bars(&document).len(), 366);
    let day_labels = labels(&document, "middle");
    assert!(
        (2..=MAX_DAY_LABELS).contains(&day_labels.len()),
        "{day_labels:?}"
    );
    assert_eq!(day_labels.last().map(String::as_str), Some("01.01"));
    let thinnest_bar = bars(&document)
        .iter()
        .map(|bar| number_attribute(*bar, "width"))
        .fold(f64::INFINITY, f64::min);
    assert!(thinnest_bar > 0.0);
    assert_eq!(
        select(&document, "tbody > tr").len(),
        366,
        "the table is never thinned"
    );
}

#[test]
fn days_without_any_view_draw_a_zero_line_without_dividing_by_zero() {
    let days = [(day(2, 1), 0), (day(2, 2), 0)];
    let markup = daily_views_chart("zero", "Zero", "Brak wyświetleń", &days);
    assert!(
        !markup.0.contains("NaN") && !markup.0.contains("inf"),
        "{}",
        markup.0
    );
    let document = parse(&markup);
    assert_accessible_chart(&document, "zero", "Zero", "Brak wyświetleń");
    assert!(
        bars(&document)
            .iter()
            .all(|bar| number_attribute(*bar, "height") == 0.0)
    );
    assert_eq!(labels(&document, "end"), ["0"]);
}

#[test]
fn no_data_says_so_instead_of_drawing() {
    for markup in [
        daily_views_chart("empty", "Wyświetlenia", "Opis", &[]),
        ranking_chart("empty", "Najczęściej czytane", "Opis", &[]),
    ] {
        let document = parse(&markup);
        assert!(select(&document, "svg").is_empty());
        assert!(select(&document, "table").is_empty());
        assert_eq!(
            text(one(&document, "figure > p")),
            "Brak danych z tego okresu"
        );
        assert!(!text(one(&document, "figure > figcaption")).is_empty());
    }
}

fn ranking_rows() -> Vec<(String, u64)> {
    vec![
        (
            "Rada Gminy przyjęła budżet na 2025 rok: więcej pieniędzy na drogi i szkoły".to_owned(),
            4210,
        ),
        ("Nowe godziny pracy urzędu".to_owned(), 1850),
        ("Żółta kartka dla kierowców".to_owned(), 0),
    ]
}

#[test]
fn ranking_chart_draws_horizontal_bars_with_titles_cut_on_the_chart_only() {
    let rows = ranking_rows();
    let document = parse(&ranking_chart(
        "top",
        "Najczęściej czytane w lutym",
        "Trzy artykuły; najczęściej czytany miał 4210 wyświetleń.",
        &rows,
    ));
    assert_accessible_chart(
        &document,
        "top",
        "Najczęściej czytane w lutym",
        "Trzy artykuły; najczęściej czytany miał 4210 wyświetleń.",
    );
    let bars = bars(&document);
    assert_eq!(bars.len(), 3);
    let widths: Vec<f64> = bars
        .iter()
        .map(|bar| number_attribute(*bar, "width"))
        .collect();
    assert!(
        (widths[1] / widths[0] - 1850.0 / 4210.0).abs() < 0.001,
        "{widths:?}"
    );
    assert_eq!(widths[2], 0.0);
    let ys: Vec<f64> = bars.iter().map(|bar| number_attribute(*bar, "y")).collect();
    assert!(
        ys.windows(2).all(|pair| pair[0] < pair[1]),
        "top to bottom: {ys:?}"
    );
    let xs: HashSet<String> = bars
        .iter()
        .map(|bar| bar.value().attr("x").unwrap_or_default().to_owned())
        .collect();
    assert_eq!(xs.len(), 1, "bars start on one axis");

    let title_labels: Vec<ElementRef<'_>> =
        select(&document, "svg g.chart-label[text-anchor=end] > text");
    assert_eq!(title_labels.len(), 3);
    let shown = own_text(title_labels[0]);
    assert!(shown.ends_with('…'), "{shown}");
    assert!(shown.chars().count() <= MAX_RANKING_LABEL_CHARS, "{shown}");
    assert_eq!(
        text(one(
            &document,
            "svg g.chart-label[text-anchor=end] > text:first-child > title"
        )),
        rows[0].0
    );
    assert_eq!(own_text(title_labels[1]), "Nowe godziny pracy urzędu");

    let values: Vec<String> = select(&document, "svg g.chart-value > text")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(values, ["4210", "1850", "0"]);

    let table_titles: Vec<String> = select(&document, "tbody th[scope=row]")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(
        table_titles,
        rows.iter()
            .map(|(title, _)| title.clone())
            .collect::<Vec<_>>()
    );
    let column_headers: Vec<String> = select(&document, "thead th[scope=col]")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(column_headers, ["Miejsce", "Artykuł", "Wyświetlenia"]);
}

#[test]
fn ranking_chart_height_grows_with_the_rows() {
    let short = parse(&ranking_chart("a", "T", "D", &ranking_rows()[..1]));
    let long = parse(&ranking_chart("b", "T", "D", &ranking_rows()));
    let (short_width, short_height) = view_box(&short);
    let (long_width, long_height) = view_box(&long);
    assert_eq!(short_width, long_width);
    assert!(long_height > short_height);
}

#[test]
fn titles_are_text_never_markup() {
    let rows = vec![("<script>alert(1)</script> & <b>gruby</b>".to_owned(), 5)];
    let markup = ranking_chart(
        "x",
        "<i>Tytuł</i>",
        "\"opis\" <img src=x onerror=alert(1)>",
        &rows,
    );
    let document = parse(&markup);
    assert!(
        select(&document, "script, img, i, b").is_empty(),
        "{}",
        markup.0
    );
    assert_eq!(text(one(&document, "tbody th[scope=row]")), rows[0].0);
    assert_eq!(text(one(&document, "figcaption")), "<i>Tytuł</i>");
}

#[test]
fn two_charts_on_one_page_have_distinct_ids_that_their_references_find() {
    let page = html! {
        (daily_views_chart("article-views", "Wyświetlenia", "Opis", &week()))
        (ranking_chart("most-read", "Najczęściej czytane", "Opis", &ranking_rows()))
    };
    let document = parse(&page);
    let ids: Vec<&str> = select(&document, "[id]")
        .into_iter()
        .filter_map(|element| element.value().attr("id"))
        .collect();
    let unique: HashSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "{ids:?}");
    for svg in select(&document, "svg") {
        for reference in ["aria-labelledby", "aria-describedby"] {
            let id = svg.value().attr(reference).unwrap_or_default();
            assert!(unique.contains(id), "{reference}={id} in {ids:?}");
        }
    }
}

#[test]
fn scales_end_on_a_round_number_with_at_most_five_ticks() {
    let cases = [
        (1, 1, 1),
        (3, 1, 3),
        (4, 1, 4),
        (5, 2, 6),
        (9, 5, 10),
        (10, 5, 10),
        (42, 20, 60),
        (933, 250, 1000),
        (1000, 250, 1000),
        (12345, 5000, 15000),
        (999_999, 250_000, 1_000_000),
    ];
    for (maximum, step, top) in cases {
        let scale = Scale::up_to(maximum);
        assert_eq!((scale.step, scale.top), (step, top), "maximum {maximum}");
        assert!(scale.ticks().count() <= 5, "maximum {maximum}");
    }
    assert_eq!(Scale::up_to(0).ticks().collect::<Vec<_>>(), [0]);
    assert_eq!(Scale::up_to(0).fraction(0), 0.0);
    let huge = Scale::up_to(u64::MAX);
    assert!(huge.top >= u64::MAX / 2 && huge.ticks().count() <= 5);
    assert!((huge.fraction(u64::MAX) - 1.0).abs() < 0.01);
}
