//! Attachments at the command line (docs/attachments.md): `--attach` on registration and
//! progress, the files listed by `problems show`, refused kinds with their codes, `verify`
//! naming an altered file, and `export ledger --attachments DIR`.

use crate::cli::Cli;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\0\0\0\0:~\x9bU\0\0\0\nIDATx\x9cc`\0\0\0\x02\0\x01H\xaf\xa4q\0\0\0\0IEND\xaeB`\x82";

#[test]
fn attach_show_verify_and_export_at_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli::new(dir.path());
    cli.ok("", &["init"]);
    cli.ok("admin", &["unit", "add", "城关街道", "--short", "城关", "--kind", "township"]);
    cli.ok("admin", &["user", "add", "cg", "--name", "张三", "--unit", "城关", "--role", "township"]);
    let photo = dir.path().join("现场照片.png");
    std::fs::write(&photo, PNG).unwrap();
    let exe = dir.path().join("photo.jpg");
    std::fs::write(&exe, b"MZ\x90\0not a photo").unwrap();
    let register = |file: &std::path::Path| {
        vec![
            "register".to_string(),
            "--new-enterprise".into(),
            "示范区恒达精密机械有限公司".into(),
            "--category".into(),
            "用地".into(),
            "--description".into(),
            "厂房屋顶漏水".into(),
            "--attach".into(),
            file.display().to_string(),
        ]
    };
    let args = register(&exe);
    cli.fails("cg", &args.iter().map(String::as_str).collect::<Vec<_>>(), "attachment.type_not_allowed");
    let missing = dir.path().join("nowhere.png");
    let args = register(&missing);
    cli.fails("cg", &args.iter().map(String::as_str).collect::<Vec<_>>(), "attachment.unreadable");
    let args = register(&photo);
    let out = cli.json("cg", &args.iter().map(String::as_str).collect::<Vec<_>>());
    let number = out["problem"].as_str().unwrap().to_string();
    let shown = cli.ok("cg", &["problems", "show", &number]);
    assert!(shown.contains("附件：现场照片.png（image/png"), "{shown}");
    cli.ok("admin", &["verify"]);

    let out_dir = dir.path().join("导出附件");
    let xlsx = dir.path().join("台账.xlsx");
    cli.ok("admin", &["export", "ledger", xlsx.to_str().unwrap(), "--attachments", out_dir.to_str().unwrap()]);
    let copied = out_dir.join(&number).join("01-登记-现场照片.png");
    assert_eq!(std::fs::read(&copied).unwrap(), PNG);
    let manifest = std::fs::read_to_string(out_dir.join("附件清单.csv")).unwrap();
    assert!(manifest.contains("已导出") && manifest.contains("image/png"), "{manifest}");
    // The folder is never written over.
    let xlsx2 = dir.path().join("台账2.xlsx");
    cli.fails(
        "admin",
        &["export", "ledger", xlsx2.to_str().unwrap(), "--attachments", out_dir.to_str().unwrap()],
        "output.exists",
    );

    // A file altered behind the ledger's back: verify names it and fails.
    let c = rusqlite::Connection::open(&cli.db).unwrap();
    c.execute_batch(
        "DROP TRIGGER attachments_append_only_update;
         UPDATE attachments SET bytes = CAST(bytes || x'00' AS BLOB);",
    )
    .unwrap();
    drop(c);
    let out = cli.cmd("admin", &["verify"]).assert().failure();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(stdout.contains("现场照片.png") && stdout.contains("已被改动"), "{stdout}");
}
