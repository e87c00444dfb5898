//! Figures over the file: the period's fact counts and the open problems, handed to
//! `core::figures`.

use chrono::{DateTime, Utc};
use taizhang_core::coded::Coded;
use taizhang_core::figure_facts::PeriodTallies;
use taizhang_core::figures::{scorecard, scorecard_from, FigureInputs, NowFacts, Scorecard, ScorecardParts};
use taizhang_core::period::Period;
use taizhang_core::Problem;

use crate::error::Result;
use crate::{figure_counts, read, Ledger};

impl Ledger {
    /// The scorecard from the `figure_counts` projection and the open problems' columns: no
    /// aggregate is parsed, so it costs the rows of the period's days, not the ledger's size.
    pub fn scorecard(&self, period: &Period, now: DateTime<Utc>) -> Result<Scorecard> {
        self.scorecard_with(&figure_counts::now_facts(&self.conn)?, period, now)
    }

    /// `scorecard` with the open problems already read.
    pub(crate) fn scorecard_with(
        &self,
        now_facts: &NowFacts,
        period: &Period,
        now: DateTime<Utc>,
    ) -> Result<Scorecard> {
        let tallies = figure_counts::period_tallies(&self.conn, period.start, period.end)?;
        self.scorecard_from_parts(&tallies, now_facts, period, now)
    }

    /// `scorecard` with the period's tallies and the open problems already read.
    pub(crate) fn scorecard_from_parts(
        &self,
        tallies: &PeriodTallies,
        now_facts: &NowFacts,
        period: &Period,
        now: DateTime<Utc>,
    ) -> Result<Scorecard> {
        let units = self.cached().units()?;
        let (calendar, settings) = self.context_parts()?;
        let enterprises = read::all_enterprises(&self.conn)?;
        Ok(scorecard_from(
            ScorecardParts { units: &units, enterprises: &enterprises, tallies, now: now_facts },
            period,
            now,
            &calendar,
            &settings,
        ))
    }

    /// The scorecard over every problem aggregate (`core::figures::scorecard`): the reference
    /// the projection's scorecard is tested against.
    pub fn scorecard_of_aggregates(&self, period: &Period, now: DateTime<Utc>) -> Result<Scorecard> {
        self.scorecard_of(&read::all_problems(&self.conn)?, period, now)
    }

    /// The scorecard over problem aggregates the caller has already loaded.
    pub(crate) fn scorecard_of(&self, problems: &[Problem], period: &Period, now: DateTime<Utc>) -> Result<Scorecard> {
        let units = self.cached().units()?;
        let enterprises = read::all_enterprises(&self.conn)?;
        let visits = read::all_visits(&self.conn)?;
        let (calendar, settings) = self.context_parts()?;
        Ok(scorecard(
            FigureInputs { units: &units, problems, enterprises: &enterprises, visits: &visits },
            period,
            now,
            &calendar,
            &settings,
        ))
    }
}

impl Ledger {
    /// Parses a period; `campaign` (or 服务年) is the campaign set in the settings.
    pub fn period(&self, text: &str) -> std::result::Result<Period, PeriodLookupError> {
        let t = text.trim();
        if t == "campaign" || t == "服务年" {
            let s = self.cached().settings().map_err(PeriodLookupError::Ledger)?;
            let (Some(start), Some(end)) = (s.campaign_start, s.campaign_end) else {
                return Err(PeriodLookupError::NoCampaign);
            };
            let mut p = Period::custom(start, end).map_err(PeriodLookupError::Period)?;
            p.label = format!("服务年（{start}至{end}）");
            p.key = "campaign".into();
            return Ok(p);
        }
        taizhang_core::period::parse_period(t).map_err(PeriodLookupError::Period)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PeriodLookupError {
    #[error(transparent)]
    Period(taizhang_core::period::PeriodError),
    #[error("no campaign period is set (settings campaign_start and campaign_end)")]
    NoCampaign,
    #[error(transparent)]
    Ledger(crate::LedgerError),
}

impl Coded for PeriodLookupError {
    fn code(&self) -> &'static str {
        match self {
            PeriodLookupError::Period(e) => e.code(),
            PeriodLookupError::NoCampaign => "period.no_campaign",
            PeriodLookupError::Ledger(e) => e.code(),
        }
    }
    fn params(&self) -> taizhang_core::coded::Params {
        match self {
            PeriodLookupError::Period(e) => e.params(),
            PeriodLookupError::NoCampaign => taizhang_core::coded::Params::new(),
            PeriodLookupError::Ledger(e) => e.params(),
        }
    }
}
