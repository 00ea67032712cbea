//! Polish dates for the interface (the full module comes with the `a11y` branch).

use chrono::{DateTime, Datelike, Timelike, Utc};

const MONTHS_GENITIVE: [&str; 12] = [
    "stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia",
    "września", "października", "listopada", "grudnia",
];

/// "20 lutego 2018, 14:50" in the site's time zone.
pub fn date_time(at: DateTime<Utc>, zone: chrono_tz::Tz) -> String {
    let local = at.with_timezone(&zone);
    format!(
        "{} {} {}, {}:{:02}",
        local.day(),
        MONTHS_GENITIVE[local.month0() as usize],
        local.year(),
        local.hour(),
        local.minute()
    )
}

/// `12345` as "12 345", with a non-breaking space between thousands.
pub fn number(value: u64) -> String {
    let digits = value.to_string();
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            grouped.push('\u{a0}');
        }
        grouped.push(digit);
    }
    grouped
}

/// The Polish form of a noun after a number: 1 artykuł, 2 artykuły, 5 artykułów.
pub fn plural<'a>(count: u64, one: &'a str, few: &'a str, many: &'a str) -> &'a str {
    let (last, last_two) = (count % 10, count % 100);
    if count == 1 {
        one
    } else if (2..=4).contains(&last) && !(12..=14).contains(&last_two) {
        few
    } else {
        many
    }
}

/// "14:52" in the site's time zone.
pub fn time_of_day(at: DateTime<Utc>, zone: chrono_tz::Tz) -> String {
    let local = at.with_timezone(&zone);
    format!("{}:{:02}", local.hour(), local.minute())
}

/// The value of an `<input type="datetime-local">` for a moment, in the site's zone.
pub fn local_date_time_value(at: DateTime<Utc>, zone: chrono_tz::Tz) -> String {
    at.with_timezone(&zone).format("%Y-%m-%dT%H:%M").to_string()
}

/// Reads an `<input type="datetime-local">` value as a time in the site's zone; `None`
/// when it is not a date and time, or names a time that does not exist there (the hour
/// skipped when clocks go forward). An hour that happens twice is taken the first time.
pub fn parse_local_date_time(value: &str, zone: chrono_tz::Tz) -> Option<DateTime<Utc>> {
    let local = chrono::NaiveDateTime::parse_from_str(value.trim(), "%Y-%m-%dT%H:%M").ok()?;
    local
        .and_local_timezone(zone)
        .earliest()
        .map(|at| at.with_timezone(&Utc))
}
