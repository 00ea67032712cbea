//! Charts rendered on the server as SVG, each with its numbers in a real table.
//!
//! A chart is a `<figure>`: a caption, an `<svg role="img">` named by its `<title>` and
//! described by its `<desc>`, and the same numbers in a `<table>` inside a `<details>`, so
//! a screen reader user (for whom the picture is one image) and anyone who wants exact
//! figures can read them. The SVG is sized by its `viewBox` and fills its container's
//! width. It carries no `style` (the application's Content-Security-Policy forbids inline
//! style): colours come from the application's CSS through the classes `chart-bar`,
//! `chart-axis`, `chart-label` and `chart-grid`.

use chrono::NaiveDate;
use maud::{Markup, html};

use super::format;

/// The width of every chart in SVG user units; the browser scales it to the container.
const WIDTH: f64 = 640.0;
/// Font size of labels in user units, a presentation attribute the CSS may override.
const FONT_SIZE: f64 = 12.0;
/// The rough width of one character of a label, to leave room for it.
const CHAR_WIDTH: f64 = 7.0;
/// At most this many day labels under the bars; more are thinned out.
const MAX_DAY_LABELS: usize = 12;
/// Article titles longer than this are cut on the chart (never in the table).
const MAX_RANKING_LABEL_CHARS: usize = 30;
const EMPTY_MESSAGE: &str = "Brak danych z tego okresu";
const TABLE_SUMMARY: &str = "Pokaż dane w tabeli";
const VALUE_HEADER: &str = "Wyświetlenia";

/// Views per day as vertical bars, one per day, labelled "20.02".
///
/// `id_prefix` makes the ids of the chart's title and description unique on the page
/// (two charts on one page need two prefixes).
pub fn daily_views_chart(
    id_prefix: &str,
    title: &str,
    description: &str,
    days: &[(NaiveDate, u64)],
) -> Markup {
    if days.is_empty() {
        return empty_chart(title);
    }
    const HEIGHT: f64 = 260.0;
    const TOP: f64 = 12.0;
    const BOTTOM: f64 = 28.0;
    let maximum = days.iter().map(|(_, views)| *views).max().unwrap_or(0);
    let scale = Scale::up_to(maximum);
    let left = axis_label_width(&scale) + 8.0;
    let right = WIDTH - 8.0;
    let baseline = HEIGHT - BOTTOM;
    let plot_height = baseline - TOP;
    let band = (right - left) / days.len() as f64;
    let bar_width = (band * 0.8).max(0.5);
    let label_step = days.len().div_ceil(MAX_DAY_LABELS);
    let last = days.len() - 1;
    html! {
        figure.chart.chart-daily {
            figcaption { (title) }
            svg role="img" aria-labelledby=(format!("{id_prefix}-title"))
                aria-describedby=(format!("{id_prefix}-desc"))
                viewBox=(format!("0 0 {WIDTH} {HEIGHT}")) font-size=(FONT_SIZE)
                preserveAspectRatio="xMidYMid meet" {
                title id=(format!("{id_prefix}-title")) { (title) }
                desc id=(format!("{id_prefix}-desc")) { (description) }
                g.chart-grid {
                    @for tick in scale.ticks() {
                        @let y = baseline - plot_height * scale.fraction(tick);
                        line x1=(units(left)) x2=(units(right)) y1=(units(y)) y2=(units(y)) {}
                    }
                }
                g.chart-label text-anchor="end" {
                    @for tick in scale.ticks() {
                        @let y = baseline - plot_height * scale.fraction(tick);
                        text x=(units(left - 6.0)) y=(units(y + FONT_SIZE / 3.0)) {
                            (format::number(tick))
                        }
                    }
                }
                g.chart-bars {
                    @for (index, (day, views)) in days.iter().enumerate() {
                        @let height = plot_height * scale.fraction(*views);
                        @let x = left + band * index as f64 + (band - bar_width) / 2.0;
                        rect.chart-bar x=(units(x)) y=(units(baseline - height))
                            width=(units(bar_width)) height=(units(height)) {
                            title {
                                (format::calendar_date(*day)) ": " (format::number(*views))
                            }
                        }
                    }
                }
                g.chart-axis {
                    line x1=(units(left)) x2=(units(right)) y1=(units(baseline)) y2=(units(baseline)) {}
                    line x1=(units(left)) x2=(units(left)) y1=(units(TOP)) y2=(units(baseline)) {}
                }
                g.chart-label text-anchor="middle" {
                    @for (index, (day, _)) in days.iter().enumerate() {
                        // Counted from the last day, so the most recent day always has its label.
                        @if (last - index).is_multiple_of(label_step) {
                            text x=(units(left + band * (index as f64 + 0.5))) y=(units(baseline + 18.0)) {
                                (format::day_and_month(*day))
                            }
                        }
                    }
                }
            }
            details.chart-data {
                summary { (TABLE_SUMMARY) }
                table {
                    caption { (title) }
                    thead {
                        tr {
                            th scope="col" { "Dzień" }
                            th scope="col" { (VALUE_HEADER) }
                        }
                    }
                    tbody {
                        @for (day, views) in days {
                            tr {
                                th scope="row" { (format::calendar_date(*day)) }
                                td { (format::number(*views)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A ranking as horizontal bars, largest first as given; labels are article titles, cut
/// on the chart and whole in the table.
pub fn ranking_chart(
    id_prefix: &str,
    title: &str,
    description: &str,
    rows: &[(String, u64)],
) -> Markup {
    if rows.is_empty() {
        return empty_chart(title);
    }
    const ROW_HEIGHT: f64 = 28.0;
    const TOP: f64 = 8.0;
    const BOTTOM: f64 = 24.0;
    let maximum = rows.iter().map(|(_, views)| *views).max().unwrap_or(0);
    let scale = Scale::up_to(maximum);
    let left = MAX_RANKING_LABEL_CHARS as f64 * CHAR_WIDTH * 0.85 + 8.0;
    let value_room = axis_label_width(&scale) + 8.0;
    let right = WIDTH - value_room;
    let plot_width = right - left;
    let bottom_of_rows = TOP + ROW_HEIGHT * rows.len() as f64;
    let height = bottom_of_rows + BOTTOM;
    html! {
        figure.chart.chart-ranking {
            figcaption { (title) }
            svg role="img" aria-labelledby=(format!("{id_prefix}-title"))
                aria-describedby=(format!("{id_prefix}-desc"))
                viewBox=(format!("0 0 {WIDTH} {}", units(height))) font-size=(FONT_SIZE)
                preserveAspectRatio="xMidYMid meet" {
                title id=(format!("{id_prefix}-title")) { (title) }
                desc id=(format!("{id_prefix}-desc")) { (description) }
                g.chart-grid {
                    @for tick in scale.ticks() {
                        @let x = left + plot_width * scale.fraction(tick);
                        line x1=(units(x)) x2=(units(x)) y1=(units(TOP)) y2=(units(bottom_of_rows)) {}
                    }
                }
                g.chart-label text-anchor="middle" {
                    @for tick in scale.ticks() {
                        @let x = left + plot_width * scale.fraction(tick);
                        text x=(units(x)) y=(units(bottom_of_rows + 16.0)) { (format::number(tick)) }
                    }
                }
                g.chart-bars {
                    @for (index, (label, views)) in rows.iter().enumerate() {
                        @let y = TOP + ROW_HEIGHT * index as f64 + ROW_HEIGHT * 0.15;
                        rect.chart-bar x=(units(left)) y=(units(y))
                            width=(units(plot_width * scale.fraction(*views)))
                            height=(units(ROW_HEIGHT * 0.7)) {
                            title { (label) ": " (format::number(*views)) }
                        }
                    }
                }
                g.chart-axis {
                    line x1=(units(left)) x2=(units(left)) y1=(units(TOP)) y2=(units(bottom_of_rows)) {}
                }
                g.chart-label text-anchor="end" {
                    @for (index, (label, _)) in rows.iter().enumerate() {
                        @let y = TOP + ROW_HEIGHT * (index as f64 + 0.5) + FONT_SIZE / 3.0;
                        text x=(units(left - 6.0)) y=(units(y)) {
                            title { (label) }
                            (cut(label, MAX_RANKING_LABEL_CHARS))
                        }
                    }
                }
                g.chart-label.chart-value text-anchor="start" {
                    @for (index, (_, views)) in rows.iter().enumerate() {
                        @let y = TOP + ROW_HEIGHT * (index as f64 + 0.5) + FONT_SIZE / 3.0;
                        text x=(units(left + plot_width * scale.fraction(*views) + 4.0)) y=(units(y)) {
                            (format::number(*views))
                        }
                    }
                }
            }
            details.chart-data {
                summary { (TABLE_SUMMARY) }
                table {
                    caption { (title) }
                    thead {
                        tr {
                            th scope="col" { "Miejsce" }
                            th scope="col" { "Artykuł" }
                            th scope="col" { (VALUE_HEADER) }
                        }
                    }
                    tbody {
                        @for (index, (label, views)) in rows.iter().enumerate() {
                            tr {
                                td { (index + 1) }
                                th scope="row" { (label) }
                                td { (format::number(*views)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn empty_chart(title: &str) -> Markup {
    html! {
        figure.chart.chart-empty {
            figcaption { (title) }
            p.chart-no-data { (EMPTY_MESSAGE) }
        }
    }
}

/// A value axis from zero to a round number at or above the maximum, with a few round
/// ticks: 0, 250, 500, 750, 1000 rather than 0, 233, 466, 699, 932.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Scale {
    step: u64,
    top: u64,
}

impl Scale {
    /// At most five ticks (four steps and zero), each step 1, 2, 2.5 or 5 times a power
    /// of ten (2.5 only where it stays a whole number: 25, 250…).
    fn up_to(maximum: u64) -> Self {
        const STEPS: u64 = 4;
        if maximum == 0 {
            // Nothing to show: a zero line only, and a top that divides safely.
            return Self { step: 1, top: 0 };
        }
        let mut power: u64 = 1;
        loop {
            let two_and_a_half = (power >= 10).then(|| power.saturating_mul(25) / 10);
            let candidates = [
                Some(power),
                Some(power.saturating_mul(2)),
                two_and_a_half,
                Some(power.saturating_mul(5)),
            ];
            for step in candidates.into_iter().flatten() {
                if step.saturating_mul(STEPS) >= maximum {
                    return Self {
                        step,
                        top: maximum.div_ceil(step).saturating_mul(step),
                    };
                }
            }
            power = power.saturating_mul(10);
        }
    }

    fn ticks(self) -> impl Iterator<Item = u64> {
        (0..=self.top / self.step).map(move |index| index * self.step)
    }

    /// How far along the axis a value lies, from 0 to 1.
    fn fraction(self, value: u64) -> f64 {
        if self.top == 0 {
            0.0
        } else {
            value as f64 / self.top as f64
        }
    }
}

/// Room for the longest tick label.
fn axis_label_width(scale: &Scale) -> f64 {
    format::number(scale.top).chars().count() as f64 * CHAR_WIDTH
}

/// A coordinate with at most two decimals, so the markup stays small.
fn units(value: f64) -> String {
    let rounded = (value * 100.0).round() / 100.0;
    format!("{rounded}")
}

/// At most `max_chars` characters, the cut marked with "…".
fn cut(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let kept: String = text.chars().take(max_chars - 1).collect();
    format!("{}…", kept.trim_end())
}

#[cfg(test)]
mod tests;
