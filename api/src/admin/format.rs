//! Dates, times, numbers and plural forms as the editors' application shows them: in
//! Polish, in the configured time zone ("20 lutego 2018, 14:50", "12 345 artykułów").
//!
//! Times are stored in UTC; every function here takes the zone the institution works in
//! (`chrono_tz::Tz`, e.g. `Europe/Warsaw`), so a summer-time change never shifts what an
//! editor sees or types.

use chrono::{DateTime, Datelike, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

/// Month names in the genitive, as a Polish date says them ("20 lutego").
const MONTHS_GENITIVE: [&str; 12] = [
    "stycznia",
    "lutego",
    "marca",
    "kwietnia",
    "maja",
    "czerwca",
    "lipca",
    "sierpnia",
    "września",
    "października",
    "listopada",
    "grudnia",
];

/// The thousands separator: a no-break space, so a number never breaks across lines.
const THOUSANDS_SEPARATOR: char = '\u{a0}';

/// "20 lutego 2018, 14:50"
pub fn date_time(at: DateTime<Utc>, tz: Tz) -> String {
    let local = at.with_timezone(&tz);
    format!(
        "{}, {:02}:{:02}",
        date(at, tz),
        local.hour(),
        local.minute()
    )
}

/// "20 lutego 2018"
pub fn date(at: DateTime<Utc>, tz: Tz) -> String {
    calendar_date(at.with_timezone(&tz).date_naive())
}

/// "20.02.2018"
pub fn short_date(at: DateTime<Utc>, tz: Tz) -> String {
    short_calendar_date(at.with_timezone(&tz).date_naive())
}

/// A day that is already local (a day of the view statistics): "20 lutego 2018".
pub fn calendar_date(day: NaiveDate) -> String {
    format!(
        "{} {} {}",
        day.day(),
        MONTHS_GENITIVE[day.month0() as usize],
        day.year()
    )
}

/// "20.02.2018"
pub fn short_calendar_date(day: NaiveDate) -> String {
    format!("{:02}.{:02}.{}", day.day(), day.month(), day.year())
}

/// Day and month, for the axis of a chart: "20.02".
pub fn day_and_month(day: NaiveDate) -> String {
    format!("{:02}.{:02}", day.day(), day.month())
}

/// "14:50", for "Zapisano o 14:50".
pub fn time(at: DateTime<Utc>, tz: Tz) -> String {
    let local = at.with_timezone(&tz);
    format!("{:02}:{:02}", local.hour(), local.minute())
}

/// The `value` of an `<input type="datetime-local">`: local time to the minute,
/// "2018-02-20T14:50".
pub fn datetime_local_value(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%Y-%m-%dT%H:%M").to_string()
}

/// Why a typed date and time cannot be used. The messages are shown next to the field.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LocalDateTimeError {
    #[error("Wpisz datę i godzinę.")]
    Empty,
    #[error("Wpisz datę i godzinę w postaci RRRR-MM-DD GG:MM, np. 2025-03-20 14:50.")]
    Malformed,
    /// The clocks jump over this time (the spring change to summer time).
    #[error(
        "Tej godziny nie ma tego dnia: zegary przestawia się wtedy na czas letni. Wybierz \
         inną godzinę."
    )]
    Nonexistent,
}

/// Reads the value of an `<input type="datetime-local">` as a time in `tz`.
///
/// Browsers send "2018-02-20T14:50", with seconds when they are not zero; a space instead
/// of the `T` is accepted for browsers that fall back to a text field. A time the clocks
/// jump over in spring is refused; a time they pass twice in autumn is the earlier of the
/// two (summer time), which is what the editor most likely means by "02:30" that night.
pub fn parse_datetime_local(value: &str, tz: Tz) -> Result<DateTime<Utc>, LocalDateTimeError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(LocalDateTimeError::Empty);
    }
    let naive = [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S%.f",
    ]
    .iter()
    .find_map(|format| NaiveDateTime::parse_from_str(value, format).ok())
    .ok_or(LocalDateTimeError::Malformed)?;
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(local) => Ok(local.with_timezone(&Utc)),
        LocalResult::Ambiguous(earlier, _) => Ok(earlier.with_timezone(&Utc)),
        LocalResult::None => Err(LocalDateTimeError::Nonexistent),
    }
}

/// "12 345": groups of three digits apart by a no-break space. Four-digit numbers stay
/// whole ("1234"), as Polish typography and CLDR's Polish locale (minimum grouping digits
/// of two) write them.
pub fn number(value: u64) -> String {
    let digits = value.to_string();
    if digits.len() <= 4 {
        return digits;
    }
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3 * 2);
    for (position, digit) in digits.chars().enumerate() {
        if position > 0 && (digits.len() - position).is_multiple_of(3) {
            grouped.push(THOUSANDS_SEPARATOR);
        }
        grouped.push(digit);
    }
    grouped
}

/// The Polish form of a noun after a count: `one` for 1 ("artykuł"), `few` for numbers
/// ending in 2–4 except 12–14 ("artykuły"), `many` for everything else, 0 included
/// ("artykułów").
pub fn plural<'a>(count: u64, one: &'a str, few: &'a str, many: &'a str) -> &'a str {
    if count == 1 {
        return one;
    }
    let last_digit = count % 10;
    let last_two_digits = count % 100;
    if (2..=4).contains(&last_digit) && !(12..=14).contains(&last_two_digits) {
        few
    } else {
        many
    }
}

/// The number and its noun: "12 345 artykułów", "1 zdjęcie".
pub fn count(count: u64, one: &str, few: &str, many: &str) -> String {
    format!("{}\u{a0}{}", number(count), plural(count, one, few, many))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::Warsaw;

    fn utc(value: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(value)
            .unwrap_or_else(|error| panic!("{value}: {error}"))
            .with_timezone(&Utc)
    }

    #[test]
    fn dates_are_written_in_polish_with_the_month_in_the_genitive() {
        let at = utc("2018-02-20T13:50:00Z");
        assert_eq!(date_time(at, Warsaw), "20 lutego 2018, 14:50");
        assert_eq!(date(at, Warsaw), "20 lutego 2018");
        assert_eq!(short_date(at, Warsaw), "20.02.2018");
        assert_eq!(time(at, Warsaw), "14:50");
    }

    #[test]
    fn every_month_has_its_genitive_name() {
        let names: Vec<String> = (1..=12)
            .map(|month| {
                let at = utc(&format!("2024-{month:02}-05T12:00:00Z"));
                date(at, Warsaw)
            })
            .collect();
        assert_eq!(
            names,
            [
                "5 stycznia 2024",
                "5 lutego 2024",
                "5 marca 2024",
                "5 kwietnia 2024",
                "5 maja 2024",
                "5 czerwca 2024",
                "5 lipca 2024",
                "5 sierpnia 2024",
                "5 września 2024",
                "5 października 2024",
                "5 listopada 2024",
                "5 grudnia 2024",
            ]
        );
    }

    #[test]
    fn calendar_days_are_written_without_a_zone() {
        let day = NaiveDate::from_ymd_opt(2025, 3, 5).unwrap_or_else(|| panic!("a real day"));
        assert_eq!(calendar_date(day), "5 marca 2025");
        assert_eq!(short_calendar_date(day), "05.03.2025");
        assert_eq!(day_and_month(day), "05.03");
    }

    #[test]
    fn the_local_date_is_used_when_utc_is_still_the_day_before() {
        // 23:30 UTC on New Year's Eve is already 00:30 on 1 January in Warsaw.
        let at = utc("2024-12-31T23:30:00Z");
        assert_eq!(date_time(at, Warsaw), "1 stycznia 2025, 00:30");
        assert_eq!(short_date(at, Warsaw), "01.01.2025");
        assert_eq!(date_time(at, chrono_tz::UTC), "31 grudnia 2024, 23:30");
    }

    #[test]
    fn summer_and_winter_time_show_the_wall_clock() {
        // Summer time (UTC+2) in July, winter time (UTC+1) in January.
        assert_eq!(
            date_time(utc("2025-07-01T10:00:00Z"), Warsaw),
            "1 lipca 2025, 12:00"
        );
        assert_eq!(
            date_time(utc("2025-01-01T10:00:00Z"), Warsaw),
            "1 stycznia 2025, 11:00"
        );
        // The spring change on 30 March 2025: 00:59 UTC is 01:59 CET, 01:00 UTC is 03:00 CEST.
        assert_eq!(time(utc("2025-03-30T00:59:00Z"), Warsaw), "01:59");
        assert_eq!(time(utc("2025-03-30T01:00:00Z"), Warsaw), "03:00");
        // The autumn change on 26 October 2025: 02:30 happens twice.
        assert_eq!(time(utc("2025-10-26T00:30:00Z"), Warsaw), "02:30");
        assert_eq!(time(utc("2025-10-26T01:30:00Z"), Warsaw), "02:30");
    }

    #[test]
    fn datetime_local_values_round_trip_in_the_zone() {
        let at = utc("2018-02-20T13:50:00Z");
        assert_eq!(datetime_local_value(at, Warsaw), "2018-02-20T14:50");
        assert_eq!(parse_datetime_local("2018-02-20T14:50", Warsaw), Ok(at));
        let summer = utc("2025-07-01T10:00:00Z");
        assert_eq!(datetime_local_value(summer, Warsaw), "2025-07-01T12:00");
        assert_eq!(
            parse_datetime_local(&datetime_local_value(summer, Warsaw), Warsaw),
            Ok(summer)
        );
    }

    #[test]
    fn datetime_local_parsing_accepts_seconds_and_a_space() {
        assert_eq!(
            parse_datetime_local("2018-02-20T14:50:30", Warsaw),
            Ok(utc("2018-02-20T13:50:30Z"))
        );
        assert_eq!(
            parse_datetime_local("2018-02-20T14:50:30.500", Warsaw),
            Ok(utc("2018-02-20T13:50:30.5Z"))
        );
        assert_eq!(
            parse_datetime_local(" 2018-02-20 14:50 ", Warsaw),
            Ok(utc("2018-02-20T13:50:00Z"))
        );
    }

    #[test]
    fn malformed_and_impossible_datetime_local_values_are_refused() {
        assert_eq!(
            parse_datetime_local("", Warsaw),
            Err(LocalDateTimeError::Empty)
        );
        assert_eq!(
            parse_datetime_local("  ", Warsaw),
            Err(LocalDateTimeError::Empty)
        );
        for value in [
            "jutro",
            "20.02.2018 14:50",
            "2018-02-30T14:50",
            "2018-13-01T14:50",
            "2018-02-20T24:00",
            "2018-02-20T14:60",
            "2018-02-20",
            "2018-02-20T14:50Z",
            "2018-02-20T14:50+01:00",
        ] {
            assert_eq!(
                parse_datetime_local(value, Warsaw),
                Err(LocalDateTimeError::Malformed),
                "{value}"
            );
        }
    }

    #[test]
    fn a_time_in_the_spring_gap_does_not_exist() {
        // On 30 March 2025 the clocks in Warsaw go from 02:00 straight to 03:00.
        assert_eq!(
            parse_datetime_local("2025-03-30T02:30", Warsaw),
            Err(LocalDateTimeError::Nonexistent)
        );
        assert_eq!(
            parse_datetime_local("2025-03-30T02:00", Warsaw),
            Err(LocalDateTimeError::Nonexistent)
        );
        assert_eq!(
            parse_datetime_local("2025-03-30T01:59", Warsaw),
            Ok(utc("2025-03-30T00:59:00Z"))
        );
        assert_eq!(
            parse_datetime_local("2025-03-30T03:00", Warsaw),
            Ok(utc("2025-03-30T01:00:00Z"))
        );
        // The same wall-clock time exists in a zone without summer time.
        assert_eq!(
            parse_datetime_local("2025-03-30T02:30", chrono_tz::UTC),
            Ok(utc("2025-03-30T02:30:00Z"))
        );
        let message = LocalDateTimeError::Nonexistent.to_string();
        assert!(message.contains("czas letni"), "{message}");
    }

    #[test]
    fn a_time_passed_twice_in_autumn_is_the_earlier_one() {
        // On 26 October 2025 the clocks go back from 03:00 to 02:00: 02:30 CEST comes first.
        assert_eq!(
            parse_datetime_local("2025-10-26T02:30", Warsaw),
            Ok(utc("2025-10-26T00:30:00Z"))
        );
        assert_eq!(
            parse_datetime_local("2025-10-26T03:00", Warsaw),
            Ok(utc("2025-10-26T02:00:00Z"))
        );
    }

    #[test]
    fn numbers_are_grouped_by_thousands_with_a_no_break_space() {
        assert_eq!(number(0), "0");
        assert_eq!(number(999), "999");
        assert_eq!(number(1234), "1234");
        assert_eq!(number(12345), "12\u{a0}345");
        assert_eq!(number(100000), "100\u{a0}000");
        assert_eq!(number(1234567), "1\u{a0}234\u{a0}567");
        assert_eq!(
            number(u64::MAX),
            "18\u{a0}446\u{a0}744\u{a0}073\u{a0}709\u{a0}551\u{a0}615"
        );
    }

    #[test]
    fn polish_plural_forms_follow_the_last_digits() {
        let form = |count| plural(count, "artykuł", "artykuły", "artykułów");
        assert_eq!(form(0), "artykułów");
        assert_eq!(form(1), "artykuł");
        for count in [2, 3, 4, 22, 23, 24, 102, 1004] {
            assert_eq!(form(count), "artykuły", "{count}");
        }
        for count in 5..=21 {
            assert_eq!(form(count), "artykułów", "{count}");
        }
        for count in [25, 100, 101, 111, 112, 113, 114, 115, 121, 1000, 1011, 1012] {
            assert_eq!(form(count), "artykułów", "{count}");
        }
        assert_eq!(
            count(12345, "artykuł", "artykuły", "artykułów"),
            "12\u{a0}345\u{a0}artykułów"
        );
        assert_eq!(count(1, "zdjęcie", "zdjęcia", "zdjęć"), "1\u{a0}zdjęcie");
    }
}
