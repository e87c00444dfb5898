//! Unit names in a sheet → units of the ledger: the user's choice first, then an exact name,
//! a short name, the name without the district's "区" prefix, or a unique containment; a name
//! nothing matches is created (a department for 牵头/配合 columns, a township for 镇街).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use taizhang_core::model::{Id, Unit, UnitKind};
use taizhang_core::Command;
use taizhang_ledger::new_id;

use super::{UnitChoice, UnitMapping};

/// The unit each (kind, name) noted in a sheet stands for.
pub type UnitIds = BTreeMap<(UnitKind, String), Id>;

pub struct UnitResolver<'a> {
    units: &'a [Unit],
    choices: &'a [UnitChoice],
    mappings: BTreeMap<(UnitKind, String), UnitMapping>,
    first_rows: BTreeMap<(UnitKind, String), u32>,
}

/// A name the sheet uses as one kind of unit while a unit of another kind bears it: creating it
/// would be refused, and taking the other unit would put, say, a township in the lead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindClash {
    pub row: u32,
    pub name: String,
}

fn normalize(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            c => c,
        })
        .collect()
}

fn without_district(name: &str) -> &str {
    name.strip_prefix('区').unwrap_or(name)
}

/// A short name for a unit made by an import: townships lose 街道/镇/乡, departments the 区.
fn short_name(name: &str, kind: UnitKind) -> String {
    let s = match kind {
        UnitKind::Township => ["街道办事处", "办事处", "街道", "镇", "乡"]
            .iter()
            .find_map(|suffix| name.strip_suffix(suffix).filter(|s| !s.is_empty()))
            .unwrap_or(name),
        _ => without_district(name),
    };
    s.chars().take(20).collect()
}

impl<'a> UnitResolver<'a> {
    pub fn new(units: &'a [Unit], choices: &'a [UnitChoice]) -> Self {
        UnitResolver { units, choices, mappings: BTreeMap::new(), first_rows: BTreeMap::new() }
    }

    /// Notes that `row` names this unit; returns the key to look it up after `finish`.
    pub fn note(&mut self, name: &str, kind: UnitKind, row: u32) -> (UnitKind, String) {
        let name = normalize(name);
        let key = (kind, name.clone());
        self.first_rows.entry(key.clone()).or_insert(row);
        if let Some(m) = self.mappings.get_mut(&key) {
            m.rows += 1;
            return key;
        }
        let found = match self.choices.iter().find(|c| normalize(&c.name) == name) {
            Some(choice) => choice.unit_id.as_ref().and_then(|id| self.units.iter().find(|u| &u.id == id)),
            None => self.auto_match(&name, kind),
        };
        self.mappings.insert(
            key.clone(),
            UnitMapping {
                name,
                kind,
                unit_id: found.map(|u| u.id.clone()),
                unit_name: found.map(|u| u.name.clone()),
                create: found.is_none(),
                rows: 1,
            },
        );
        key
    }

    fn auto_match(&self, name: &str, kind: UnitKind) -> Option<&'a Unit> {
        let of_kind: Vec<&Unit> = self.units.iter().filter(|u| u.kind == kind && u.active).collect();
        if let Some(u) = of_kind.iter().find(|u| normalize(&u.name) == name) {
            return Some(u);
        }
        if let Some(u) = of_kind.iter().find(|u| normalize(&u.short_name) == name) {
            return Some(u);
        }
        let bare = without_district(name);
        if let Some(u) = of_kind.iter().find(|u| without_district(&normalize(&u.name)) == bare) {
            return Some(u);
        }
        let contains: Vec<&&Unit> = of_kind
            .iter()
            .filter(|u| {
                let n = normalize(&u.name);
                bare.chars().count() >= 2 && (n.contains(bare) || bare.contains(without_district(&n)))
            })
            .collect();
        match contains.as_slice() {
            [one] => Some(one),
            _ => None,
        }
    }

    /// Names to be created that a unit of another kind already bears, or that the sheet uses
    /// as two kinds: each with the first row that names it.
    pub fn clashes(&self) -> Vec<KindClash> {
        let mut out = Vec::new();
        for ((kind, name), m) in &self.mappings {
            if !m.create {
                continue;
            }
            let taken = self.units.iter().any(|u| normalize(&u.name) == *name);
            let twice = self.mappings.keys().any(|(k, n)| n == name && k != kind);
            if taken || twice {
                out.push(KindClash { row: self.first_rows[&(*kind, name.clone())], name: name.clone() });
            }
        }
        out
    }

    /// The CreateUnit commands for unmatched names, the id of every noted name, and the
    /// mapping to show.
    pub fn finish(self, now: DateTime<Utc>) -> (Vec<Command>, UnitIds, Vec<UnitMapping>) {
        let mut creates = Vec::new();
        let mut ids = BTreeMap::new();
        let mut shown = Vec::new();
        // Creating two units of one name is refused by the core; a name seen as both a
        // township and a department is created once, as what it was first seen as.
        let mut created_by_name: BTreeMap<String, Id> = BTreeMap::new();
        for (key, m) in self.mappings {
            let id = match &m.unit_id {
                Some(id) => id.clone(),
                None => match created_by_name.get(&m.name) {
                    Some(id) => id.clone(),
                    None => {
                        let id = new_id(now);
                        creates.push(Command::CreateUnit {
                            unit_id: id.clone(),
                            name: m.name.clone(),
                            short_name: short_name(&m.name, m.kind),
                            kind: m.kind,
                        });
                        created_by_name.insert(m.name.clone(), id.clone());
                        id
                    }
                },
            };
            ids.insert(key, id);
            shown.push(m);
        }
        (creates, ids, shown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(id: &str, name: &str, short: &str, kind: UnitKind) -> Unit {
        Unit { id: id.into(), name: name.into(), short_name: short.into(), kind, active: true }
    }

    #[test]
    fn names_match_as_offices_write_them() {
        let units = vec![
            unit("zr", "区自然资源局", "自然资源局", UnitKind::Department),
            unit("gx", "区工业和信息化局", "工信局", UnitKind::Department),
            unit("cg", "城关街道", "城关", UnitKind::Township),
        ];
        let mut r = UnitResolver::new(&units, &[]);
        let a = r.note("区自然资源局", UnitKind::Department, 2);
        let b = r.note("自然资源局", UnitKind::Department, 3);
        let c = r.note("工信局", UnitKind::Department, 4);
        let d = r.note("城关", UnitKind::Township, 5);
        let e = r.note("区税务局", UnitKind::Department, 6);
        let (creates, ids, shown) = r.finish(Utc::now());
        assert_eq!(ids[&a], "zr");
        assert_eq!(ids[&b], "zr");
        assert_eq!(ids[&c], "gx");
        assert_eq!(ids[&d], "cg");
        assert_eq!(creates.len(), 1);
        assert!(matches!(&creates[0], Command::CreateUnit { unit_id, name, short_name, .. }
            if name == "区税务局" && short_name == "税务局" && ids[&e] == *unit_id));
        assert!(shown.iter().any(|m| m.name == "区税务局" && m.create));
    }

    #[test]
    fn the_users_choice_wins() {
        let units = vec![unit("zr", "区自然资源局", "自然资源局", UnitKind::Department)];
        let choices = vec![UnitChoice { name: "规划局".into(), unit_id: Some("zr".into()) }];
        let mut r = UnitResolver::new(&units, &choices);
        let k = r.note("规划局", UnitKind::Department, 2);
        let (creates, ids, _) = r.finish(Utc::now());
        assert!(creates.is_empty());
        assert_eq!(ids[&k], "zr");
    }

    #[test]
    fn township_short_names() {
        assert_eq!(short_name("城关街道", UnitKind::Township), "城关");
        assert_eq!(short_name("河口镇", UnitKind::Township), "河口");
        assert_eq!(short_name("区税务局", UnitKind::Department), "税务局");
    }
}
