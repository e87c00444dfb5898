//! The genesis of a ledger: the first events of every ledger, the desktop's file and the
//! district server's database alike. No user exists yet to decide them, so they are made here
//! and appended directly, with the new `admin` as the actor.

use crate::calendar::builtin_years;
use crate::event::EventBody;
use crate::model::*;
use crate::settings::Settings;

/// The office unit, its `admin` (no password yet), the built-in calendar years and the default
/// settings. Ids are passed in: the core has no randomness.
pub fn genesis_events(ledger_id: &str, office_id: &str, admin_id: &str) -> Vec<EventBody> {
    let office = Unit {
        id: office_id.to_string(),
        name: "区企业服务年办公室".into(),
        short_name: "办公室".into(),
        kind: UnitKind::Office,
        active: true,
    };
    let admin = User {
        id: admin_id.to_string(),
        login: "admin".into(),
        name: "管理员".into(),
        unit_id: office.id.clone(),
        role: Role::Office,
        active: true,
        password_hash: None,
    };
    let settings = Settings::default();
    let mut bodies = vec![
        EventBody::LedgerInitialized {
            ledger_id: ledger_id.to_string(),
            district_name: settings.district_name.clone(),
        },
        EventBody::UnitCreated { unit: office },
        EventBody::UserCreated { user: admin },
    ];
    bodies.extend(builtin_years().into_iter().map(|year| EventBody::CalendarYearSet { year }));
    bodies.push(EventBody::SettingsChanged { settings });
    bodies
}
