//! Logins, unit names and short names are stored in one normal form and may not look like
//! another's (`text::normalize_name`, `text::skeleton`): a zero-width character, a Cyrillic
//! or Greek letter, full-width letters or a space cannot make a second `admin` or a second
//! 城关镇 that no list can tell apart.

use crate::support::*;
use taizhang_core::*;

fn create_user(login: &str) -> Command {
    Command::CreateUser {
        user_id: format!("user-new-{}", login.len()),
        login: login.into(),
        name: "新用户".into(),
        unit_id: U_D1.into(),
        role: Role::Department,
    }
}

fn create_unit(id: &str, name: &str, short: &str) -> Command {
    Command::CreateUnit { unit_id: id.into(), name: name.into(), short_name: short.into(), kind: UnitKind::Department }
}

fn stored_login(events: &[EventBody]) -> String {
    match &events[0] {
        EventBody::UserCreated { user } => user.login.clone(),
        e => panic!("not a user: {e:?}"),
    }
}

#[test]
fn a_login_that_looks_like_another_is_refused() {
    let mut dist = District::new();
    let t = at(2026, 3, 2);
    // "d1" is taken: the same with invisible characters is the same login.
    for same in ["d\u{200B}1", "\u{FEFF}d1", "d1\u{202E}", "ｄ１"] {
        assert_eq!(dist.code(OFFICE, create_user(same), t), "input.duplicate", "{same:?}");
    }
    // Look-alikes of "office" and "d1": Cyrillic о, Greek ο, capitals, l for 1.
    for look_alike in ["оffice", "οffice", "OFFICE", "dl", "Office"] {
        assert_eq!(dist.code(OFFICE, create_user(look_alike), t), "user.login_confusable", "{look_alike:?}");
    }
    // A login that only resembles another in part is fine, and is stored in its normal form.
    let events = dist.ok(OFFICE, create_user("ｄ１０"), t);
    assert_eq!(stored_login(&events), "d10");
}

#[test]
fn a_unit_name_or_short_name_that_looks_like_another_is_refused() {
    let mut dist = District::new();
    let t = at(2026, 3, 2);
    // "发改局" / "发改" exist.
    assert_eq!(dist.code(OFFICE, create_unit("u-a", "发改局", "新"), t), "input.duplicate");
    assert_eq!(dist.code(OFFICE, create_unit("u-b", "发\u{200B}改局", "新"), t), "input.duplicate");
    assert_eq!(dist.code(OFFICE, create_unit("u-c", "发 改 局", "新"), t), "unit.name_confusable");
    assert_eq!(dist.code(OFFICE, create_unit("u-d", "商务局", "发 改"), t), "unit.short_name_confusable");
    assert_eq!(dist.code(OFFICE, create_unit("u-e", "商务局", "发\u{2060}改"), t), "unit.short_name_confusable");
    // Latin look-alikes inside a Chinese name count too.
    dist.ok(OFFICE, create_unit("u-f", "IT服务中心", "IT中心"), t);
    assert_eq!(dist.code(OFFICE, create_unit("u-g", "ІТ服务中心", "信息中心"), t), "unit.name_confusable");
    // Stored normalised: full-width letters become ASCII, invisible characters go.
    let events = dist.ok(OFFICE, create_unit("u-h", "ＡＩ产业\u{200D}办", "ＡＩ办"), t);
    match &events[0] {
        EventBody::UnitCreated { unit } => {
            assert_eq!((unit.name.as_str(), unit.short_name.as_str()), ("AI产业办", "AI办"))
        }
        e => panic!("{e:?}"),
    }
    // Renaming into a look-alike of another unit is refused; keeping one's own name is not.
    let rename = |name: &str, short: &str| Command::UpdateUnit {
        unit_id: "u-h".into(),
        name: name.into(),
        short_name: short.into(),
        active: true,
    };
    assert_eq!(dist.code(OFFICE, rename("发改 局", "AI办"), t), "unit.name_confusable");
    dist.ok(OFFICE, rename("AI产业办", "AI办"), t);
    dist.ok(OFFICE, rename("ＡＩ产业办公室", "ＡＩ办"), t);
    // Control characters have no place in a unit's name: they go, as invisible ones do.
    let events = dist.ok(OFFICE, create_unit("u-i", "商务\u{1b}[2J\u{7}局\r\n", "商务"), t);
    match &events[0] {
        EventBody::UnitCreated { unit } => assert_eq!(unit.name, "商务[2J局"),
        e => panic!("{e:?}"),
    }
}
