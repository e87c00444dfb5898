//! Attachments on real files (docs/attachments.md): a file is stored once however many events
//! name it, in the transaction of the first; a refused command stores nothing; a rebuild keeps
//! the files and folds the same tables; `verify` names a file missing or altered; an event
//! without attachments is stored exactly as before they existed.

use taizhang_core::attachment::{describe, Blob};
use taizhang_core::*;
use taizhang_ledger::Ledger;
use taizhang_testsupport::ledger::district_file;
use taizhang_testsupport::{at, District};

/// A tiny PNG (1×1, grey): the first bytes are what makes it one.
pub const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\0\0\0\0:~\x9bU\0\0\0\nIDATx\x9cc`\0\0\0\x02\0\x01H\xaf\xa4q\0\0\0\0IEND\xaeB`\x82";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

fn register_cmd(d: &District, id: &str) -> Command {
    Command::Register {
        problem_id: id.into(),
        enterprise_id: Some(d.enterprise.clone()),
        new_enterprise: None,
        visit_id: None,
        source: Source::Visit,
        category: "用地".into(),
        description: "厂房屋顶漏水，见现场照片".into(),
        demand: "协调维修".into(),
        raised_on: taizhang_core::local_date(at(2026, 3, 3)),
        priority: Priority::Normal,
        responsible_leader: String::new(),
        origin: None,
        attachments: Vec::new(),
    }
}

fn count(l: &Ledger, sql: &str) -> i64 {
    l.connection().query_row(sql, [], |r| r.get(0)).unwrap()
}

fn png(name: &str) -> Blob {
    describe(name, PNG.to_vec()).unwrap()
}

#[test]
fn a_file_named_twice_is_stored_once_and_read_back() {
    let mut f = district_file();
    let d = f.district.clone();
    let t = at(2026, 3, 3);
    let first = f.ledger.execute_attached("cg", &register_cmd(&d, "p1"), &[png("现场.png")], t).unwrap();
    let second = f.ledger.execute_attached("cg", &register_cmd(&d, "p2"), &[png("again.png")], t).unwrap();
    assert_eq!(count(&f.ledger, "SELECT count(*) FROM attachments"), 1);
    let named = |events: &[taizhang_ledger::StoredEvent]| {
        EventBody::from_parts(&events[0].kind, events[0].payload.clone()).unwrap().attachments().to_vec()
    };
    assert_eq!(named(&first)[0].sha256, named(&second)[0].sha256);
    assert_eq!(named(&first)[0].name, "现场.png");
    assert_eq!(named(&second)[0].name, "again.png");
    let file = f.ledger.attachment(&named(&first)[0].sha256).unwrap().unwrap();
    assert_eq!(file.bytes, PNG);
    assert_eq!(file.media_type, "image/png");

    // A later act names a stored file by its hash alone; the resolution carries a scan too.
    let again = Command::ResolveLocally {
        problem_id: "p1".into(),
        result_text: "已协调物业维修".into(),
        attachments: named(&first),
    };
    let scan = describe("回执.pdf", PDF.to_vec()).unwrap();
    f.ledger.execute_attached("cg", &again, std::slice::from_ref(&scan), t).unwrap();
    assert_eq!(count(&f.ledger, "SELECT count(*) FROM attachments"), 2);
    let report = f.ledger.verify().unwrap();
    assert!(report.ok, "{report:?}");
    assert!(report.attachments.is_empty());

    // The files survive a rebuild, which folds the same tables.
    let rebuilt = f.ledger.rebuild().unwrap();
    assert!(rebuilt.equal, "{rebuilt:?}");
    assert_eq!(count(&f.ledger, "SELECT count(*) FROM attachments"), 2);
    assert!(f.ledger.verify().unwrap().ok);
}

#[test]
fn an_event_without_attachments_is_stored_as_before() {
    let mut f = district_file();
    let d = f.district.clone();
    f.ledger.execute("cg", &register_cmd(&d, "p1"), at(2026, 3, 3)).unwrap();
    let payload: String = f
        .ledger
        .connection()
        .query_row("SELECT payload FROM events WHERE kind = 'problem_registered'", [], |r| r.get(0))
        .unwrap();
    assert!(!payload.contains("attachments"), "{payload}");
    // An old payload reads with no attachments.
    let v: serde_json::Value = serde_json::from_str(&payload).unwrap();
    assert!(EventBody::from_parts("problem_registered", v).unwrap().attachments().is_empty());
}

#[test]
fn a_refused_command_stores_no_file() {
    let mut f = district_file();
    let d = f.district.clone();
    let t = at(2026, 3, 3);
    // A department may not register: refused, and the file with it.
    let e = f.ledger.execute_attached("gx", &register_cmd(&d, "p1"), &[png("a.png")], t).unwrap_err();
    assert_eq!(e.code(), "auth.forbidden");
    assert_eq!(count(&f.ledger, "SELECT count(*) FROM attachments"), 0);
    assert_eq!(count(&f.ledger, "SELECT count(*) FROM events WHERE kind = 'problem_registered'"), 0);

    // Named by hash but neither stored nor given.
    let mut cmd = register_cmd(&d, "p1");
    *cmd.attachments_mut().unwrap() = vec![png("a.png").attachment];
    assert_eq!(f.ledger.execute("cg", &cmd, t).unwrap_err().code(), "attachment.missing");

    // Bytes that are not the file named.
    let mut forged = png("a.png");
    forged.bytes.push(0);
    let e = f.ledger.execute_attached("cg", &register_cmd(&d, "p1"), &[forged], t).unwrap_err();
    assert_eq!(e.code(), "attachment.mismatch");

    // A command that carries no attachments.
    f.ledger.execute("cg", &register_cmd(&d, "p1"), t).unwrap();
    let withdraw = Command::RequestWithdrawal { problem_id: "p1".into(), reason: "企业已自行解决".into() };
    let e = f.ledger.execute_attached("cg", &withdraw, &[png("a.png")], t).unwrap_err();
    assert_eq!(e.code(), "attachment.not_here");

    // Ten files on one act.
    let many: Vec<Blob> = (0..10u8)
        .map(|i| {
            let mut bytes = PNG.to_vec();
            bytes.push(i);
            describe("p.png", bytes).unwrap()
        })
        .collect();
    let e = f.ledger.execute_attached("cg", &register_cmd(&d, "p2"), &many, t).unwrap_err();
    assert_eq!(e.code(), "attachment.too_many");
    assert_eq!(count(&f.ledger, "SELECT count(*) FROM attachments"), 0);
}

#[test]
fn verify_names_a_missing_or_altered_file() {
    let mut f = district_file();
    let d = f.district.clone();
    let t = at(2026, 3, 3);
    f.ledger.execute_attached("cg", &register_cmd(&d, "p1"), &[png("a.png")], t).unwrap();
    let scan = describe("b.pdf", PDF.to_vec()).unwrap();
    f.ledger.execute_attached("cg", &register_cmd(&d, "p2"), std::slice::from_ref(&scan), t).unwrap();
    drop(f.ledger);

    let c = rusqlite::Connection::open(&f.path).unwrap();
    c.execute_batch(
        "DROP TRIGGER attachments_append_only_update; DROP TRIGGER attachments_append_only_delete;
         UPDATE attachments SET bytes = CAST(bytes || x'00' AS BLOB) WHERE media_type = 'image/png';",
    )
    .unwrap();
    drop(c);
    let l = Ledger::open(&f.path).unwrap();
    let report = l.verify().unwrap();
    assert!(!report.ok);
    assert!(report.first_break.is_none(), "the chain itself holds");
    assert_eq!(report.attachments.len(), 1);
    assert_eq!(report.attachments[0].code, "attachment.altered");
    assert_eq!(report.attachments[0].name, "a.png");
    drop(l);

    let c = rusqlite::Connection::open(&f.path).unwrap();
    c.execute("DELETE FROM attachments WHERE sha256 = ?1", [&scan.attachment.sha256]).unwrap();
    drop(c);
    let report = Ledger::open(&f.path).unwrap().verify().unwrap();
    let codes: Vec<&str> = report.attachments.iter().map(|a| a.code.as_str()).collect();
    assert_eq!(codes.len(), 2);
    assert!(codes.contains(&"attachment.missing") && codes.contains(&"attachment.altered"), "{codes:?}");
}
