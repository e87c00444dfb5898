//! Figures over the file: loads the aggregates and hands them to `core::figures`.

use chrono::{DateTime, Utc};
use taizhang_core::figures::{scorecard, FigureInputs, Scorecard};
use taizhang_core::period::Period;

use crate::error::Result;
use crate::{read, Ledger};

impl Ledger {
    pub fn scorecard(&self, period: &Period, now: DateTime<Utc>) -> Result<Scorecard> {
        let units = read::units(&self.conn)?;
        let problems = read::all_problems(&self.conn)?;
        let enterprises = read::all_enterprises(&self.conn)?;
        let visits = read::all_visits(&self.conn)?;
        let calendar = read::calendar(&self.conn)?;
        let settings = read::settings(&self.conn)?;
        Ok(scorecard(
            FigureInputs { units: &units, problems: &problems, enterprises: &enterprises, visits: &visits },
            period,
            now,
            &calendar,
            &settings,
        ))
    }
}
