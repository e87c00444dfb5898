//! The monitoring state as a fold of its events, in memory: what `Replay` (a log replayed for
//! `verify --full`) and the tests' worlds answer the monitoring questions of `World` from. The
//! ledger and the server keep the same fold in their tables.

use std::collections::HashMap;

use crate::event::EventBody;
use crate::model::Id;
use crate::monitoring::records::*;
use crate::monitoring::Month;

#[derive(Debug, Clone, Default)]
pub struct MonitoringMemory {
    indicator_reports: HashMap<(Id, Month), IndicatorReport>,
    projects: HashMap<Id, Project>,
    progress: HashMap<(Id, Month), ProjectProgress>,
    /// Each warning as last raised, and whether it is dealt with. Raising it again (a new
    /// finding on corrected figures) opens it again.
    warnings: HashMap<String, (RaisedWarning, bool)>,
}

impl MonitoringMemory {
    /// Folds one event (others are ignored).
    pub fn apply(&mut self, body: &EventBody) {
        use EventBody as E;
        match body {
            E::IndicatorsReported { report } => {
                self.indicator_reports.insert((report.enterprise_id.clone(), report.month), report.clone());
            }
            E::ProjectRegistered { project } | E::ProjectUpdated { project } => {
                self.projects.insert(project.id.clone(), project.clone());
            }
            E::ProjectProgressReported { progress } => {
                self.progress.insert((progress.project_id.clone(), progress.month), progress.clone());
            }
            E::WarningRaised { warning } => {
                self.warnings.insert(warning.id.clone(), (warning.clone(), false));
            }
            E::WarningHandled { handling: WarningHandling { warning_id: id, .. } }
            | E::ProblemLinked { origin: ProblemOrigin::Warning { warning_id: id }, .. } => {
                if let Some(w) = self.warnings.get_mut(id) {
                    w.1 = true;
                }
            }
            _ => {}
        }
    }

    pub fn indicator_report(&self, enterprise_id: &str, month: Month) -> Option<IndicatorReport> {
        self.indicator_reports.get(&(enterprise_id.to_string(), month)).cloned()
    }

    pub fn project(&self, id: &str) -> Option<Project> {
        self.projects.get(id).cloned()
    }

    pub fn project_progress(&self, project_id: &str, month: Month) -> Option<ProjectProgress> {
        self.progress.get(&(project_id.to_string(), month)).cloned()
    }

    pub fn warning(&self, id: &str) -> Option<(RaisedWarning, bool)> {
        self.warnings.get(id).cloned()
    }
}
