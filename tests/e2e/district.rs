//! The window against a live district server: a township official's desk joins from the start
//! page, waits for the office's approval, brings the district with 立即同步, signs in with the
//! password the office set, acts on a problem while the network is down (待上传 in the header
//! and beside the row, 离线 once the background sync fails), and syncs it up when the network is
//! back; the server then holds the act. The server is the real one, in process on a loopback
//! port over a throw-away PostgreSQL cluster (crates/server/tests/server), reached through a
//! forwarder this test can cut.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use taizhang_server::Store;

use crate::fixture::{District, PASSWORD};

/// A loopback TCP forwarder to `target` that refuses connections while `online` is false.
fn forwarder(target: &str, online: Arc<AtomicBool>) -> String {
    let target = target.trim_start_matches("http://").to_string();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            if !online.load(Ordering::SeqCst) {
                drop(client);
                continue;
            }
            let Ok(server) = TcpStream::connect(&target) else { continue };
            let pipe = |mut from: TcpStream, mut to: TcpStream| {
                std::thread::spawn(move || {
                    let mut buf = [0u8; 16 * 1024];
                    while let Ok(n) = from.read(&mut buf) {
                        if n == 0 || to.write_all(&buf[..n]).is_err() {
                            break;
                        }
                    }
                    let _ = to.shutdown(std::net::Shutdown::Write);
                });
            };
            pipe(client.try_clone().unwrap(), server.try_clone().unwrap());
            pipe(server, client);
        }
    });
    format!("http://{addr}")
}

fn problem_status(d: &District, id: &str) -> String {
    let mut c = postgres::Client::connect(&d.url, postgres::NoTls).unwrap();
    c.query_one("SELECT body::jsonb->>'status' FROM problems WHERE id = $1", &[&id]).unwrap().get(0)
}

#[test]
#[ignore = "drives the real window: needs the built app, tauri-driver, a display and PostgreSQL (make test runs it)"]
fn a_township_desk_joins_the_district_server_and_its_act_reaches_it() {
    let d = District::new();
    // A problem the township registered on another desk, already on the server.
    let problem = d.problem("t1", &d.e1.clone(), None);
    let number: String = {
        let mut c = postgres::Client::connect(&d.url, postgres::NoTls).unwrap();
        c.query_one("SELECT number FROM problems WHERE id = $1", &[&problem]).unwrap().get(0)
    };

    let online = Arc::new(AtomicBool::new(true));
    let url = forwarder(&d.server.base, online.clone());
    let data = tempfile::tempdir().unwrap();
    let (_driver, ui) = crate::harness::open_window(data.path());

    // Join from the start page: the new replica opens on the sign-in page, waiting for approval.
    ui.click("start-join");
    let replica = data.path().join("district.db");
    ui.fill("join-url", &url);
    ui.fill("join-login", "t1");
    ui.fill("join-password", PASSWORD);
    ui.fill("join-path", &replica.display().to_string());
    ui.click("join-submit");
    ui.wait_text("sync-wait-approval", "等待办公室审核");
    ui.shot("13-join-pending");
    assert!(replica.exists() && data.path().join("district.db.device-key").exists());

    // The office approves the desk; 立即同步 brings the district, and its users to sign in as.
    let pending: Vec<_> = d.store.devices().unwrap().into_iter().filter(|x| x.state == "pending").collect();
    assert_eq!(pending.len(), 1, "the window's join reached the server");
    d.store.decide_device(&pending[0].id, true, "admin", chrono::Utc::now()).unwrap();
    ui.click("sync-now");
    ui.by("signin-user-t1");
    ui.click("signin-user-t1");
    ui.fill("signin-password", PASSWORD);
    ui.click("signin-submit");
    ui.by("header-user");
    ui.wait_text("header-sync", "已同步");

    // The network goes down. Resolved on the spot at this desk: applied here at once, counted
    // as waiting to go up; the background sync a few seconds later fails and says 离线.
    online.store(false, Ordering::SeqCst);
    ui.open_problem(&number);
    ui.act("resolve_locally");
    ui.fill("field-result_text", "已现场协调解决");
    ui.submit("待回访");
    ui.wait_text("header-sync", "待上传 1");
    ui.wait_text("header-sync", "离线 · 待上传 1");
    ui.click("nav-ledger");
    ui.wait_text(&format!("sync-pending-{number}"), "待上传");
    ui.shot("14-pending-upload");
    assert_ne!(problem_status(&d, &problem), "resolved", "nothing reached the server while offline");

    // Back online: 立即同步 on the 同步 page sends it (the minute's background sync would too).
    online.store(true, Ordering::SeqCst);
    ui.click("header-sync");
    ui.click("sync-now");
    ui.wait_text("header-sync", "已同步");
    ui.poll("the act on the server", 30, || (problem_status(&d, &problem) == "resolved").then_some(()));
    ui.wait_text("sync-pending", "0 条");
    ui.shot("15-synced");
    std::thread::sleep(Duration::from_millis(200));
}
