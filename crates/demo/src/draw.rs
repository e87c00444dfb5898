//! The generator's state and its draws of who and what: people, enterprises, credit codes,
//! and the base of each problem (who registers it, about which enterprise, what it says).

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::Rng;
use taizhang_core::credit_code::check_char;
use taizhang_core::*;
use taizhang_ledger::new_id;

use crate::days::{instant, Days};
use crate::text::{fill, phrase, Category, District};

const AREA_CODE: &str = "330106";
const CODE_ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const PHONE_PREFIXES: [&str; 10] = ["138", "139", "137", "135", "158", "159", "186", "187", "189", "177"];

/// A township as created: its id, names and its officials' (login, name).
pub(crate) struct Town {
    pub id: Id,
    pub name: String,
    pub short: String,
    pub users: Vec<(String, String)>,
}

pub(crate) struct Dept {
    pub id: Id,
    pub short: String,
    pub login: String,
    pub person: String,
}

pub(crate) struct Ent {
    pub id: Id,
    pub town: usize,
    pub key: KeyLevel,
    /// Never visited: keeps the coverage rate below 100%.
    pub unvisited: bool,
}

/// Who and what a problem is about (fixed at registration).
pub(crate) struct Base {
    pub pid: Id,
    pub town: usize,
    pub ent: usize,
    pub registrar: String,
    pub by_township: bool,
    pub source: Source,
    pub cat: usize,
    pub item: usize,
    pub priority: Priority,
    pub description: String,
    pub demand: String,
    pub raised_offset: i64,
    pub leader: String,
    pub with_visit: Option<VisitForm>,
    pub new_enterprise: Option<Enterprise>,
}

/// The generator: the seeded RNG, the calendar of the history and the district as created.
pub(crate) struct Gen<'a> {
    pub rng: StdRng,
    pub text: &'static District,
    pub days: Days,
    /// Index of the last working day strictly before the end date.
    pub last: usize,
    pub settings: &'a Settings,
    pub towns: Vec<Town>,
    pub depts: Vec<Dept>,
    pub ents: Vec<Ent>,
    /// The categories (indexes into the data file's) that the settings list.
    pub cats: Vec<usize>,
    pub year: i32,
    /// Whether key enterprises get their paired leaders (with the monitoring, `DemoOptions`).
    pub pairing: bool,
}

pub(crate) fn pick_weighted(rng: &mut StdRng, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    let mut x = rng.random_range(0..total.max(1));
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    weights.len() - 1
}

fn person(rng: &mut StdRng, text: &District) -> String {
    format!("{}{}", text.surnames.choose(rng).expect("names"), text.given_names.choose(rng).expect("names"))
}

fn phone(rng: &mut StdRng) -> String {
    let prefix = PHONE_PREFIXES.choose(rng).expect("prefixes");
    format!("{prefix}{:08}", rng.random_range(0..100_000_000u32))
}

/// A unified social credit code of the district; `bad`: with a wrong check character (a
/// legal-looking code that the ledger accepts with a warning).
pub(crate) fn credit_code(rng: &mut StdRng, bad: bool) -> String {
    let mut s = format!("91{AREA_CODE}");
    if rng.random_bool(0.5) {
        s.push_str("MA");
        for _ in 0..7 {
            s.push(*CODE_ALPHABET.choose(rng).expect("alphabet") as char);
        }
    } else {
        for _ in 0..8 {
            s.push(char::from(b'0' + rng.random_range(0..10u8)));
        }
        s.push(*CODE_ALPHABET[..11].choose(rng).expect("alphabet") as char);
    }
    let good = check_char(&s).expect("17 characters from the alphabet");
    let check = if bad {
        let i = CODE_ALPHABET.iter().position(|c| *c as char == good).unwrap_or(0);
        CODE_ALPHABET[(i + 1 + rng.random_range(0..29)) % CODE_ALPHABET.len()] as char
    } else {
        good
    };
    s.push(check);
    s
}

impl Gen<'_> {
    pub(crate) fn category(&self, cat: usize) -> &'static Category {
        &self.text.categories[cat]
    }

    /// A department by short name (the first when the data file names none such).
    pub(crate) fn dept(&self, short: &str) -> usize {
        self.depts.iter().position(|d| d.short == short).unwrap_or(0)
    }

    pub(crate) fn office(&mut self) -> String {
        // Mostly the two office clerks, now and then the administrator.
        if self.rng.random_bool(0.08) {
            "admin".into()
        } else {
            self.text.office_users.choose(&mut self.rng).expect("office users").login.clone()
        }
    }

    pub(crate) fn town_user(&mut self, town: usize) -> String {
        self.towns[town].users.choose(&mut self.rng).expect("township users").0.clone()
    }

    pub(crate) fn date(&self, i: usize) -> NaiveDate {
        self.days.date(i)
    }

    pub(crate) fn pick(&mut self, texts: &[String]) -> String {
        texts.choose(&mut self.rng).expect("a non-empty list").clone()
    }

    pub(crate) fn result_text(&mut self, cat: &Category) -> String {
        let t = self.pick(&cat.results);
        fill(&mut self.rng, &t, self.year)
    }

    pub(crate) fn new_enterprise(
        &mut self,
        town: usize,
        names: &mut HashSet<String>,
        code: Option<String>,
    ) -> Enterprise {
        let text = self.text;
        let (name, industry) = loop {
            let brand = text.brands.choose(&mut self.rng).expect("brands");
            let trade = text.trades.choose(&mut self.rng).expect("trades");
            let prefix = if self.rng.random_bool(0.7) {
                text.phrases.enterprise_prefix.clone()
            } else {
                self.towns[town].short.clone()
            };
            let suffix = if self.rng.random_bool(0.15) {
                &text.phrases.joint_stock_suffix
            } else {
                &text.phrases.company_suffix
            };
            let name = format!("{prefix}{brand}{}{suffix}", trade.word);
            if names.insert(name.clone()) {
                break (name, trade.industry.clone());
            }
        };
        let roll: f64 = self.rng.random();
        let key_level = if roll < 0.3 {
            KeyLevel::District
        } else if roll < 0.5 {
            KeyLevel::Town
        } else {
            KeyLevel::General
        };
        let above = match key_level {
            KeyLevel::District => 0.9,
            KeyLevel::Town => 0.7,
            KeyLevel::General => 0.3,
        };
        let scale = if self.rng.random_bool(above) { Scale::Above } else { Scale::Below };
        let road = text.roads.choose(&mut self.rng).expect("roads");
        let steward = self.towns[town].users.choose(&mut self.rng).expect("users").1.clone();
        let number = self.rng.random_range(1..=399).to_string();
        Enterprise {
            id: String::new(),
            name,
            credit_code: code,
            township_id: self.towns[town].id.clone(),
            industry,
            scale,
            key_level,
            address: phrase(
                &text.phrases.address,
                &[("township", &self.towns[town].name), ("road", road), ("number", &number)],
            ),
            contact: person(&mut self.rng, text),
            phone: phone(&mut self.rng),
            steward,
            // Chosen without a draw, so every later draw of the seeded district stays as it
            // was: a district leader in turn for 区级重点, the township's first official for 镇级.
            paired_leader: match key_level {
                _ if !self.pairing => String::new(),
                KeyLevel::District => text.leaders[names.len() % text.leaders.len()].name.clone(),
                KeyLevel::Town => self.towns[town].users[0].1.clone(),
                KeyLevel::General => String::new(),
            },
        }
    }

    /// Who, what and where of one problem; `day` is the registration day.
    pub(crate) fn base(&mut self, day: usize, force_township: bool) -> Base {
        let weights: Vec<u32> = self.cats.iter().map(|c| self.category(*c).weight).collect();
        let cat = self.cats[pick_weighted(&mut self.rng, &weights)];
        let item = self.rng.random_range(0..self.category(cat).items.len());
        let source = [Source::Visit, Source::Forum, Source::Hotline, Source::Letter, Source::Other]
            [pick_weighted(&mut self.rng, &[50, 12, 15, 13, 10])];
        let by_township = force_township
            || match source {
                Source::Hotline => self.rng.random_bool(0.4),
                Source::Letter => self.rng.random_bool(0.5),
                _ => true,
            };
        let with_visit = match source {
            Source::Visit if by_township => Some(
                [VisitForm::OnSite, VisitForm::Phone, VisitForm::Online][pick_weighted(&mut self.rng, &[75, 15, 10])],
            ),
            Source::Forum if by_township => Some(VisitForm::Forum),
            _ => None,
        };
        // Key enterprises raise more problems; problems from visits need a visited enterprise.
        let weights: Vec<u32> = self
            .ents
            .iter()
            .map(|e| {
                if with_visit.is_some() && e.unvisited {
                    0
                } else {
                    match e.key {
                        KeyLevel::District => 4,
                        KeyLevel::Town => 3,
                        KeyLevel::General => 1,
                    }
                }
            })
            .collect();
        let ent = pick_weighted(&mut self.rng, &weights);
        let town = self.ents[ent].town;
        let registrar = if by_township { self.town_user(town) } else { self.office() };
        let priority =
            [Priority::Normal, Priority::Urgent, Priority::Major][pick_weighted(&mut self.rng, &[80, 13, 7])];
        let leader = match priority {
            Priority::Normal if self.rng.random_bool(0.8) => String::new(),
            _ => self.text.leaders.choose(&mut self.rng).expect("leaders").name.clone(),
        };
        let it = &self.category(cat).items[item];
        let year = self.date(day).year();
        let description = fill(&mut self.rng, &it.description, year);
        let demand = fill(&mut self.rng, &it.demand, year);
        let raised_offset = match source {
            Source::Visit | Source::Forum => 0,
            _ => self.rng.random_range(0..=3),
        };
        let pid = new_id(instant(self.date(day), 9 * 60));
        Base {
            pid,
            town,
            ent,
            registrar,
            by_township,
            source,
            cat,
            item,
            priority,
            description,
            demand,
            raised_offset,
            leader,
            with_visit,
            new_enterprise: None,
        }
    }

    pub(crate) fn handling_days(&self, b: &Base) -> usize {
        self.settings.handling_days(b.priority, &self.category(b.cat).name) as usize
    }

    /// The visitors of a visit `login` makes: sometimes with the township's other official.
    pub(crate) fn visitors(&mut self, town: usize, login: &str) -> String {
        let users = &self.towns[town].users;
        let me = users.iter().find(|u| u.0 == login).map(|u| u.1.clone()).unwrap_or_else(|| users[0].1.clone());
        if self.rng.random_bool(0.4) {
            let other = users.iter().find(|u| u.0 != login).map(|u| u.1.clone()).unwrap_or_default();
            phrase(&self.text.phrases.two_visitors, &[("first", &me), ("second", &other)])
        } else {
            me
        }
    }
}
