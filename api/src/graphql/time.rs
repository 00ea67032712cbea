//! Timestamps leave the API as RFC 3339 in the site's time zone.

use chrono::{DateTime, FixedOffset, Utc};

/// The zone the site lives in (Europe/Warsaw for our first user). Stored times are UTC;
/// readers see local wall-clock time with its offset, as the site prints it.
#[derive(Clone, Copy, Debug)]
pub struct SiteTimeZone(pub chrono_tz::Tz);

impl SiteTimeZone {
    pub fn present(self, time: DateTime<Utc>) -> DateTime<FixedOffset> {
        time.with_timezone(&self.0).fixed_offset()
    }
}
