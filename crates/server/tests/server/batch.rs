//! One appender, a batch at a time: every event of a batch is decided against what the ones
//! before it in the same batch did, and what the batch leaves in the tables is what the same
//! acts leave one at a time.

use taizhang_core::*;
use taizhang_server::Store;

use crate::cluster::t0;
use crate::fixture::District;
use crate::{count, visit};

fn register(d: &District, id: &str) -> Command {
    Command::Register {
        problem_id: id.into(),
        enterprise_id: Some(d.e1.clone()),
        new_enterprise: None,
        visit_id: None,
        source: Source::Visit,
        category: Settings::default().categories[0].clone(),
        description: "用地手续办理慢".into(),
        demand: "加快审批".into(),
        raised_on: chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
        priority: Priority::Normal,
        responsible_leader: String::new(),
        origin: None,
        attachments: Vec::new(),
    }
}

fn numbers(d: &District) -> Vec<(i64, String)> {
    let mut c = postgres::Client::connect(&d.url, postgres::NoTls).unwrap();
    c.query("SELECT number_seq::bigint, number FROM problems WHERE township_id = $1 ORDER BY number_seq", &[&d.t1])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

/// The office's commands in one call are one batch: a unit and a user in it, two problems
/// numbered one after the other, a problem resolved on the spot right after its registration,
/// and a command that the batch's own earlier events make impossible.
#[test]
fn a_batch_decides_each_command_against_the_ones_before_it() {
    let d = District::new();
    let unit = taizhang_server::store::office::new_id(t0());
    let user = taizhang_server::store::office::new_id(t0());
    let out = d
        .store
        .execute(
            "admin",
            &[
                Command::CreateUnit {
                    unit_id: unit.clone(),
                    name: "三镇".into(),
                    short_name: "三镇".into(),
                    kind: UnitKind::Township,
                },
                Command::CreateUser {
                    user_id: user.clone(),
                    login: "t3".into(),
                    name: "t3".into(),
                    unit_id: unit.clone(),
                    role: Role::Township,
                },
            ],
            t0(),
        )
        .unwrap();
    assert!(out.iter().all(|o| o.outcome == "applied"), "{out:?}");
    assert_eq!(
        count(
            &d.url,
            &format!("SELECT count(*) FROM users WHERE id = '{user}' AND body::jsonb->>'unit_id' = '{unit}'")
        ),
        1
    );

    let (a, b) = (taizhang_server::store::office::new_id(t0()), taizhang_server::store::office::new_id(t0()));
    let resolve =
        Command::ResolveLocally { problem_id: a.clone(), result_text: "当场答复".into(), attachments: Vec::new() };
    let out = d.store.execute("t1", &[register(&d, &a), register(&d, &b), resolve], t0()).unwrap();
    assert_eq!(out.len(), 3, "{out:?}");
    let seqs: Vec<i64> = numbers(&d).iter().map(|(s, _)| *s).collect();
    assert_eq!(seqs, [1, 2], "two registrations in one batch take two places in the township's sequence");
    let status = count(
        &d.url,
        &format!("SELECT count(*) FROM problems WHERE id = '{a}' AND body::jsonb->>'status' = 'resolved'"),
    );
    assert_eq!(status, 1, "the resolution folded over the registration made in the same batch");
    let grants = count(
        &d.url,
        &format!("SELECT count(*) FROM visibility WHERE unit_id = '{}' AND problem_id IN ('{a}', '{b}')", d.t1),
    );
    assert_eq!(grants, 2);
    // The next batch continues the sequence; the same id again is refused and writes nothing.
    let c = taizhang_server::store::office::new_id(t0());
    d.store.execute("t1", &[register(&d, &c)], t0()).unwrap();
    assert_eq!(numbers(&d).iter().map(|(s, _)| *s).collect::<Vec<_>>(), [1, 2, 3]);
    let before = count(&d.url, "SELECT count(*) FROM events");
    let again = d.store.execute("t1", &[register(&d, &b)], t0()).unwrap_err();
    assert_eq!(again.code(), "input.duplicate");
    assert_eq!(count(&d.url, "SELECT count(*) FROM events"), before, "a refused office batch writes nothing");
    assert_eq!(d.store.verify().unwrap().broken, None);
}

/// A device's batch: the same event twice in one batch is stored once and answered the same;
/// a visit and its sequel in one batch; the device's head is its last stored event.
#[test]
fn a_device_batch_answers_a_repeat_inside_it_and_moves_the_head_once() {
    let d = District::new();
    let base = &d.server.base;
    let mut dev = d.device("t1");
    let events_before = count(&d.url, "SELECT count(*) FROM events");
    let first = dev.event(&visit(&d), t0());
    let second = dev.event(&visit(&d), t0());
    let (_, v) = dev.push(base, &[first.clone(), second, first]);
    let o = v["outcomes"].as_array().unwrap();
    assert_eq!(o.len(), 3, "{v}");
    assert_eq!(o[0], o[2], "the repeat is answered from the stored row");
    assert_eq!(o[1]["outcome"], "applied");
    assert_eq!(v["stopped"], serde_json::Value::Null, "{v}");
    assert_eq!(count(&d.url, "SELECT count(*) FROM events"), events_before + 2);
    assert_eq!(count(&d.url, &format!("SELECT last_seq FROM devices WHERE id = '{}'", dev.id)), 2);
    assert_eq!(count(&d.url, &format!("SELECT count(*) FROM visits WHERE township_id = '{}'", d.t1)), 2);
    assert_eq!(d.store.verify().unwrap().broken, None);
}

/// The projections a batch leaves are carried over to the next batch of the same store; a
/// store whose carried projections were left behind by another store's appends (another
/// server process on the same database) reads afresh. Without that, the first store would
/// number its next problem from its own last registration and take the other's number.
#[test]
fn a_store_reads_afresh_after_another_store_appended() {
    let d = District::new();
    let other = taizhang_server::PgStore::open(&d.url).unwrap();
    let ids: Vec<String> = (0..4).map(|_| taizhang_server::store::office::new_id(t0())).collect();
    let register_by = |store: &taizhang_server::PgStore, id: &str| {
        let out = store.execute("t1", &[register(&d, id)], t0()).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert!(out.iter().all(|o| o.outcome == "applied"), "{out:?}");
    };
    register_by(&d.store, &ids[0]);
    register_by(&d.store, &ids[1]);
    register_by(&other, &ids[2]);
    register_by(&d.store, &ids[3]);
    let numbered = numbers(&d);
    assert_eq!(numbered.iter().map(|(s, _)| *s).collect::<Vec<_>>(), [1, 2, 3, 4], "{numbered:?}");
    // The problem the other store changed is seen as it left it.
    let resolve =
        Command::ResolveLocally {
            problem_id: ids[3].clone(), result_text: "当场答复".into(), attachments: Vec::new()
        };
    other.execute("t1", std::slice::from_ref(&resolve), t0()).unwrap();
    let again = d.store.execute("t1", &[resolve], t0()).unwrap_err();
    assert_ne!(again.code(), "internal", "{again}");
    assert_eq!(d.store.verify().unwrap().broken, None);
}
