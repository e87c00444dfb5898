//! Attachments through the district server (docs/attachments.md): a push naming a file the
//! server lacks is stopped and stores nothing; a sync uploads the file first; the office and a
//! department given the problem fetch it with the events; another township may not read it.

use taizhang_core::attachment::describe;
use taizhang_core::*;
use taizhang_protocol::sign::sign_event;
use taizhang_sync::client::{Client, Signer};

use crate::desk::{assign_to, at, server_events, Desk};
use crate::fixture::District;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x00\x00\x00\x00\x3a\x7e\x9b\x55\x00\x00\x00\x0aIDATx\x9c\x63\x68\x00\x00\x00\x82\x00\x81\x77\xcd\x72\xb6\x00\x00\x00\x00IEND\xae\x42\x60\x82";

fn client_of(desk: &Desk) -> (Client, taizhang_protocol::sign::SigningKey, String) {
    let info = desk.ledger.replica().unwrap();
    let key = taizhang_sync::key::load(std::path::Path::new(&info.key_file)).unwrap();
    (Client::new(&info.server_url, None).unwrap(), key, info.device_id)
}

#[test]
fn a_photo_goes_up_before_its_event_and_comes_down_to_those_who_may_see_it() {
    let d = District::new();
    let mut a = Desk::join(&d, "t1");
    a.sync(2);
    let photo = describe("现场.png", PNG.to_vec()).unwrap();
    let sha = photo.attachment.sha256.clone();
    let id = taizhang_ledger::new_id(at(10));
    let register = Command::Register {
        problem_id: id.clone(),
        enterprise_id: Some(d.e1.clone()),
        new_enterprise: None,
        visit_id: None,
        source: Source::Visit,
        category: Settings::default().categories[0].clone(),
        description: "屋顶漏水，见照片".into(),
        demand: "请协调".into(),
        raised_on: chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
        priority: Priority::Normal,
        responsible_leader: String::new(),
        origin: None,
        attachments: Vec::new(),
    };
    a.ledger.execute_attached("t1", &register, &[photo], at(10)).unwrap();

    // Pushed without its file: stopped at the event, nothing stored.
    let (client, key, device) = client_of(&a);
    let who = Signer { device_id: &device, key: &key };
    let before = server_events(&d);
    let mut batch = a.ledger.pending_events(100).unwrap();
    batch.iter_mut().for_each(|e| sign_event(&key, e));
    let reply = client.push(&who, &batch).unwrap();
    let stop = reply.stopped.expect("stopped");
    assert_eq!(stop.code, "attachment.missing");
    assert!(reply.outcomes.is_empty());
    assert_eq!(server_events(&d), before);
    assert_eq!(client.missing_attachments(&who, vec![sha.clone()]).unwrap(), vec![sha.clone()]);

    // A file whose bytes are not its name is refused.
    let e = client.upload_attachment(&who, &"0".repeat(64), "image/png", PNG).unwrap_err();
    assert!(matches!(&e, taizhang_sync::SyncError::Server { code, .. } if code == "attachment.mismatch"), "{e:?}");

    // A sync uploads it first, then the event is applied.
    let s = a.sync(20);
    assert_eq!((s.pushed, s.applied), (1, 1), "{s:?}");
    assert!(client.missing_attachments(&who, vec![sha.clone()]).unwrap().is_empty());

    // The office's desk gets the file with the events; verify holds there.
    let mut office = Desk::join(&d, "admin");
    office.sync(21);
    assert_eq!(office.ledger.attachment(&sha).unwrap().unwrap().bytes, PNG);

    // Another township may not read it, whoever asks by its hash.
    let t2 = Desk::join(&d, "t2");
    let (c2, k2, dev2) = client_of(&t2);
    let e = c2.download_attachment(&Signer { device_id: &dev2, key: &k2 }, &sha).unwrap_err();
    assert!(matches!(&e, taizhang_sync::SyncError::Server { code, .. } if code == "attachment.not_on_server"), "{e:?}");

    // A department given the problem gets its history and the photo.
    use taizhang_server::Store;
    let assign = Command::Assign { problem_id: id.clone(), request: assign_to(&d.d1) };
    d.store.execute("admin", &[assign], at(25)).unwrap();
    let mut dep = Desk::join(&d, "d1");
    dep.sync(30);
    assert_eq!(dep.ledger.attachment(&sha).unwrap().unwrap().bytes, PNG);
    assert!(dep.ledger.verify().unwrap().attachments.is_empty());
}

/// A desk that works only by bundles (docs/bundles.md): its bundle carries the files its
/// events name, the server stores them before the events, and a reply brings a desk the files
/// of the pages it receives.
#[test]
fn bundles_carry_the_files_both_ways() {
    let d = District::new();
    let dir = tempfile::tempdir().unwrap();
    let carry = |desk: &Desk, name: &str, minutes: i64| {
        let out = dir.path().join(format!("{name}.tzb"));
        taizhang_sync::bundle::export(&desk.ledger, &out, false, at(minutes)).unwrap();
        let reply = out.with_extension("reply.tzb");
        let done = taizhang_server::bundle::import(&d.store, &out, &reply, at(minutes)).unwrap();
        (done, reply)
    };
    let mut a = Desk::join(&d, "t1");
    let (_, r1) = carry(&a, "a1", 2);
    taizhang_sync::bundle::import(&mut a.ledger, &r1, at(3)).unwrap();

    let scan = describe("回执.pdf", b"%PDF-1.4\n%%EOF\n".to_vec()).unwrap();
    let sha = scan.attachment.sha256.clone();
    let id = taizhang_ledger::new_id(at(10));
    let register = Command::Register {
        problem_id: id.clone(),
        enterprise_id: Some(d.e1.clone()),
        new_enterprise: None,
        visit_id: None,
        source: Source::Visit,
        category: Settings::default().categories[0].clone(),
        description: "内网登记，附扫描件".into(),
        demand: String::new(),
        raised_on: chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
        priority: Priority::Normal,
        responsible_leader: String::new(),
        origin: None,
        attachments: Vec::new(),
    };
    a.ledger.execute_attached("t1", &register, &[scan], at(10)).unwrap();
    let (up, r2) = carry(&a, "a2", 11);
    assert_eq!((up.applied, up.stopped.clone()), (1, None), "{up:?}");
    let s = taizhang_sync::bundle::import(&mut a.ledger, &r2, at(12)).unwrap();
    assert_eq!((s.applied, s.pending), (1, 0), "{s:?}");
    a.assert_rebuild_equal();

    // A second desk of the same township, by bundles too, receives the problem and its scan.
    d.user("t1b", &d.t1, Role::Township);
    let mut b = Desk::join(&d, "t1b");
    let (_, rb) = carry(&b, "b1", 13);
    taizhang_sync::bundle::import(&mut b.ledger, &rb, at(14)).unwrap();
    assert_eq!(b.ledger.attachment(&sha).unwrap().unwrap().bytes, b"%PDF-1.4\n%%EOF\n");
    b.assert_rebuild_equal();
}
