//! The demo's time: instants of Beijing days, and the working days of its history by index.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use taizhang_core::calendar::Calendar;
use taizhang_core::china_offset;

/// The instant `minute` minutes after local (Beijing) midnight of `d`.
pub(crate) fn instant(d: NaiveDate, minute: u32) -> DateTime<Utc> {
    let local = d.and_hms_opt(0, 0, 0).expect("midnight") + Duration::minutes(i64::from(minute));
    china_offset().from_local_datetime(&local).single().expect("fixed offset").with_timezone(&Utc)
}

/// Working days from the start of the history to well beyond the end, addressed by index.
/// Every action happens on a working day, so "n working days after day i" is day i + n,
/// exactly as `Calendar::add_working_days` counts.
pub(crate) struct Days {
    list: Vec<NaiveDate>,
}

impl Days {
    pub(crate) fn new(cal: &Calendar, first: NaiveDate, last: NaiveDate) -> Days {
        Days { list: first.iter_days().take_while(|d| *d <= last).filter(|d| cal.is_working_day(*d)).collect() }
    }

    pub(crate) fn date(&self, i: usize) -> NaiveDate {
        self.list[i.min(self.list.len() - 1)]
    }

    /// Index of the first working day on or after `d`.
    pub(crate) fn index_from(&self, d: NaiveDate) -> usize {
        self.list.partition_point(|x| *x < d)
    }
}
