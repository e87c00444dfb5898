//! An enterprise with plausible defaults. Tests vary it with struct update syntax:
//! `Enterprise { credit_code: Some(code), ..enterprise("e1", "某某有限公司", "t1") }`.

use taizhang_core::{Enterprise, KeyLevel, Scale};

/// A manufacturer above the scale threshold, of general key level, with no credit code,
/// address, contact, phone or steward.
pub fn enterprise(id: &str, name: &str, township_id: &str) -> Enterprise {
    Enterprise {
        id: id.into(),
        name: name.into(),
        credit_code: None,
        township_id: township_id.into(),
        industry: "制造业".into(),
        scale: Scale::Above,
        key_level: KeyLevel::General,
        address: String::new(),
        contact: String::new(),
        phone: String::new(),
        steward: String::new(),
        paired_leader: String::new(),
    }
}
