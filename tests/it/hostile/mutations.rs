use std::fmt::Debug;
use std::sync::OnceLock;

use proptest::prelude::*;
use serde_json::{json, Value};
use taizhang_testsupport::date;

// ------------------------------------------------------------------------------------------
// Hostile text.
// ------------------------------------------------------------------------------------------

/// The strings of the brief, each as typed. The core trims surrounding white space (and no
/// more): `text()` in crates/core/src/workflow.rs refuses nothing else, so control characters
/// are kept.
pub(super) fn hostile_strings() -> Vec<String> {
    let nine_thousand: String = "长文本🙂\u{202E}".chars().cycle().take(9_000).collect();
    vec![
        "前\u{0}中\u{1}\u{7}\u{8}\u{b}\u{c}\u{1b}[31m红\u{7f}\u{80}\u{9f}后".into(),
        "\n\t  甲\t乙\r\n丙\r丁 \u{3000}".into(),
        "\u{feff}BOM开头\u{fffe}\u{ffff}非字符".into(),
        "\u{202E}gnp.exe\u{202C} 用地 \u{200F}\u{200E}\u{2066}隔离\u{2069}".into(),
        "👨\u{200d}👩\u{200d}👧\u{200d}👦🏳\u{fe0f}\u{200d}🌈👍🏽企业".into(),
        "Z\u{334}\u{321}\u{327}\u{31b}\u{316}\u{317}a\u{337}l\u{336}g\u{338}o\u{335} e\u{301}\u{302}\u{303}\u{304}\u{305}".into(),
        nine_thousand,
        "'; DROP TABLE events; --".into(),
        "<script>alert(1)</script>".into(),
        "=HYPERLINK(\"http://x\")".into(),
        "+SUM(A1)".into(),
        "-1".into(),
        "@cmd".into(),
        "=1+1".into(),
        "_x0041__x000D_ 转义样".into(),
        "行\u{2028}分隔\u{2029}段".into(),
        "a,\"b\";c\td".into(),
        "分号;分号;分号;分号;分号;分号;分号;分号;分号;分号;分号;分号;分号;分号;分号;分号;分号;分号;分号;分号;分号;分号;分号;分号;分号;分号;分号;分号;分号;分号".into(),
        "%s %n {0} ${x} {{x}} \\u0000 \\n".into(),
        "𠀀𪚥𝕏\u{10ffff}".into(),
    ]
}

/// Pieces random hostile text is made of.
#[derive(Debug, Clone)]
pub(super) enum Piece {
    Listed(usize),
    Random(String),
    /// One of a few characters, repeated (up to 100,000 times).
    Run(char, u32),
    Control(u8),
}

pub(super) const RUN_CHARS: &[char] =
    &['长', 'a', '\u{202E}', '🙂', '\u{301}', ';', '\t', ',', '"', '\n', '\u{0}', ' '];

pub(super) fn piece() -> impl Strategy<Value = Piece> + Clone {
    let listed = hostile_strings().len();
    prop_oneof![
        4 => (0..listed).prop_map(Piece::Listed),
        4 => any::<String>().prop_map(Piece::Random),
        2 => "[\\PC\u{200d}\u{202e}\u{301}]{0,12}".prop_map(Piece::Random),
        1 => (prop::sample::select(RUN_CHARS), prop_oneof![1..300u32, Just(10_001), Just(100_000)]).prop_map(|(c, n)| Piece::Run(c, n)),
        2 => (0u8..0x20).prop_map(Piece::Control),
    ]
}

pub(super) fn render(pieces: &[Piece]) -> String {
    let listed = hostile_strings();
    let mut s = String::new();
    for p in pieces {
        match p {
            Piece::Listed(i) => s.push_str(&listed[*i]),
            Piece::Random(r) => s.push_str(r),
            Piece::Run(c, n) => s.extend(std::iter::repeat_n(*c, *n as usize)),
            Piece::Control(b) => s.push(*b as char),
        }
    }
    s
}

pub(super) fn hostile_text() -> impl Strategy<Value = Vec<Piece>> + Clone {
    prop::collection::vec(piece(), 1..4)
}

/// What the core stores for a typed text: surrounding white space trimmed.
pub(super) fn stored(typed: &str) -> String {
    typed.trim().to_string()
}

pub(super) fn truncate(s: &str, max: usize) -> String {
    s.trim().chars().take(max).collect::<String>().trim().to_string()
}

// ------------------------------------------------------------------------------------------
// Byte mutations.
// ------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
pub(super) enum Mutation {
    Flip { at: u32, bit: u8 },
    Set { at: u32, byte: u8 },
    Insert { at: u32, bytes: Vec<u8> },
    Token { at: u32, token: usize },
    Delete { at: u32, len: u16 },
    Truncate { at: u32 },
    Repeat { at: u32, len: u16, times: u8 },
}

/// Tokens worth inserting into XML, CSV and JSON.
pub(super) const TOKENS: &[&str] = &[
    "<",
    ">",
    "&",
    "&amp;",
    "&#0;",
    "&#x110000;",
    "&#xD800;",
    "&unknown;",
    "<![CDATA[x]]>",
    "<!--",
    "-->",
    "<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>",
    "&b;",
    "<c r=\"A1\"><v>1</v></c>",
    "<row r=\"4294967295\">",
    "</row>",
    "<c r=\"XFD1048576\" t=\"s\"><v>99999999</v></c>",
    "t=\"s\"",
    "t=\"e\"",
    "t=\"d\"",
    "t=\"b\"",
    "t=\"inlineStr\"",
    "<v>NaN</v>",
    "<v>1E+309</v>",
    "<v>-1</v>",
    "<v>4294967296</v>",
    "s=\"99999\"",
    "\"",
    "\"\"",
    ",",
    ";",
    "\t",
    "\r",
    "\n",
    "\r\n",
    "\u{0}",
    "\u{feff}",
    "\u{202e}",
    "\u{ff}",
    "\\",
    "\\u0000",
    "\\ud800",
    "null",
    "true",
    "[]",
    "{}",
    "[[[[[[[[[[[[[[[[",
    "1e999",
    "-0",
    "2026-02-30",
    "9999-12-31",
    "+262143-12-31",
    "合计",
    "备注：",
    "企业名称",
    "问题描述",
    "uniqueCount=\"4000000000\"",
    "<dimension ref=\"A1:XFD1048576\"/>",
];

pub(super) fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<u32>(), 0u8..8).prop_map(|(at, bit)| Mutation::Flip { at, bit }),
        2 => (any::<u32>(), prop_oneof![Just(0u8), Just(0xff), Just(0x7f), Just(0x80), any::<u8>()]).prop_map(|(at, byte)| Mutation::Set { at, byte }),
        2 => (any::<u32>(), prop::collection::vec(any::<u8>(), 1..64)).prop_map(|(at, bytes)| Mutation::Insert { at, bytes }),
        3 => (any::<u32>(), 0..TOKENS.len()).prop_map(|(at, token)| Mutation::Token { at, token }),
        2 => (any::<u32>(), 1u16..512).prop_map(|(at, len)| Mutation::Delete { at, len }),
        1 => any::<u32>().prop_map(|at| Mutation::Truncate { at }),
        1 => (any::<u32>(), 1u16..256, 2u8..64).prop_map(|(at, len, times)| Mutation::Repeat { at, len, times }),
    ]
}

pub(super) fn mutations(max: usize) -> impl Strategy<Value = Vec<Mutation>> {
    prop::collection::vec(mutation(), 1..max)
}

pub(super) fn mutate(data: &mut Vec<u8>, ops: &[Mutation]) {
    for op in ops {
        let pos = |at: u32, len: usize| at as usize % (len + 1);
        match op {
            Mutation::Flip { at, bit } => {
                if !data.is_empty() {
                    let i = *at as usize % data.len();
                    data[i] ^= 1 << bit;
                }
            }
            Mutation::Set { at, byte } => {
                if !data.is_empty() {
                    let i = *at as usize % data.len();
                    data[i] = *byte;
                }
            }
            Mutation::Insert { at, bytes } => {
                let i = pos(*at, data.len());
                data.splice(i..i, bytes.iter().copied());
            }
            Mutation::Token { at, token } => {
                let i = pos(*at, data.len());
                data.splice(i..i, TOKENS[*token].bytes());
            }
            Mutation::Delete { at, len } => {
                let i = pos(*at, data.len());
                let end = (i + *len as usize).min(data.len());
                data.drain(i..end);
            }
            Mutation::Truncate { at } => {
                let i = pos(*at, data.len());
                data.truncate(i);
            }
            Mutation::Repeat { at, len, times } => {
                let i = pos(*at, data.len());
                let end = (i + *len as usize).min(data.len());
                let block = data[i..end].to_vec();
                for _ in 1..*times {
                    data.splice(end..end, block.iter().copied());
                }
            }
        }
    }
}

// ------------------------------------------------------------------------------------------
// Seeds: real files of each format.
// ------------------------------------------------------------------------------------------

pub(super) const SEED_HEADER: &[&str] = &[
    "序号",
    "企业名称",
    "统一社会信用代码",
    "所属镇(街道)",
    "存在问题",
    "企业诉求",
    "问题类别",
    "反映时间",
    "主办单位",
    "协办单位",
    "办理时限",
    "是否办结",
    "办结时间",
    "企业满意度",
];

/// A small ledger workbook as rust_xlsxwriter writes it: a merged title, a header, text, real
/// date cells, numbers, a boolean, a formula, a long and a multi-line cell.
pub(super) fn seed_xlsx() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name("问题台账").unwrap();
        let bold = rust_xlsxwriter::Format::new().set_bold();
        sheet.merge_range(0, 0, 0, SEED_HEADER.len() as u16 - 1, "2026年示范区企业问题台账", &bold).unwrap();
        for (c, h) in SEED_HEADER.iter().enumerate() {
            sheet.write_string(1, c as u16, *h).unwrap();
        }
        let df = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
        let rows: &[&[&str]] = &[
            &[
                "1",
                "示范区恒达精密机械有限公司",
                "91350100M000100Y43",
                "城关街道",
                "扩建厂房用地指标未落实",
                "协调用地指标",
                "用地",
                "",
                "工业和信息化局",
                "自然资源局、人社局",
                "15个工作日",
                "否",
                "",
                "",
            ],
            &[
                "2",
                "西山云帆物流有限公司",
                "",
                "西山镇",
                "冷链仓库用电增容\n审批慢",
                "",
                "水电气等要素",
                "2026/3/5",
                "区自然资源局",
                "",
                "2026年4月30日",
                "是",
                "",
                "满意",
            ],
            &[
                "3",
                "西山新材料科技有限公司",
                "91330106673959654P",
                "西山镇",
                "招工难",
                "组织专场招聘",
                "用工",
                "2026年3月7日",
                "人社局",
                "",
                "30天",
                "已办结",
                "2026-03-18",
                "基本满意",
            ],
        ];
        for (r, row) in rows.iter().enumerate() {
            let r = r as u32 + 2;
            for (c, cell) in row.iter().enumerate() {
                if !cell.is_empty() {
                    sheet.write_string(r, c as u16, *cell).unwrap();
                }
            }
            sheet.write_number(r, 0, (r - 1) as f64).unwrap();
        }
        sheet.write_date_with_format(2, 7, date(2026, 3, 2), &df).unwrap();
        sheet.write_number(4, 12, 46090.0).unwrap();
        sheet.write_boolean(5, 11, true).unwrap();
        sheet.write_formula(5, 0, "=1+1").unwrap();
        sheet.write_string(5, 1, "合计").unwrap();
        sheet.write_string(6, 4, "长".repeat(300)).unwrap();
        book.add_worksheet().set_name("说明").unwrap().write_string(0, 0, "填表说明").unwrap();
        book.save_to_buffer().unwrap()
    })
}

/// The same workbook as a legacy .xls, converted once by LibreOffice.
pub(super) fn seed_xls() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let xlsx = dir.path().join("seed.xlsx");
        std::fs::write(&xlsx, seed_xlsx()).unwrap();
        let profile = tempfile::tempdir().unwrap();
        let out = std::process::Command::new("soffice")
            .arg(format!("-env:UserInstallation=file://{}", profile.path().display()))
            .args(["--headless", "--norestore", "--convert-to", "xls", "--outdir"])
            .arg(dir.path())
            .arg(&xlsx)
            .output()
            .expect("LibreOffice (soffice) makes the .xls seed; scripts/install-deps.sh installs it");
        assert!(out.status.success(), "soffice: {}", String::from_utf8_lossy(&out.stderr));
        let bytes = std::fs::read(dir.path().join("seed.xls")).unwrap();
        assert_eq!(&bytes[..4], &[0xD0, 0xCF, 0x11, 0xE0]);
        bytes
    })
}

/// Offsets of BIFF cell records (LabelSst, Number, RK, Label, Formula) and DIMENSIONS in the
/// .xls seed: where a cell's row and column (or the sheet's extent) are stored.
pub(super) fn xls_cell_records() -> &'static [(usize, u16)] {
    static OFFSETS: OnceLock<Vec<(usize, u16)>> = OnceLock::new();
    OFFSETS.get_or_init(|| {
        let b = seed_xls();
        let mut out = Vec::new();
        for i in 0..b.len().saturating_sub(8) {
            let typ = u16::from_le_bytes([b[i], b[i + 1]]);
            let len = u16::from_le_bytes([b[i + 2], b[i + 3]]);
            let fits = match typ {
                0x00FD | 0x027E => len == 10,
                0x0203 => len == 14,
                0x0200 => len == 14,
                0x0006 => (20..200).contains(&len),
                0x0204 => (8..200).contains(&len),
                _ => false,
            };
            if fits {
                out.push((i, typ));
            }
        }
        assert!(out.len() > 10, "the .xls seed has cell records");
        out
    })
}

/// A cell position written into a BIFF record: the extremes first.
pub(super) fn biff_position() -> impl Strategy<Value = u16> {
    prop_oneof![Just(0xFFFF), Just(0xFFFE), Just(0x00FF), Just(0x0100), Just(0x4000), any::<u16>()]
}

/// CSV seeds: UTF-8, UTF-8 with BOM, GBK (as Excel saves it in China), tab-separated.
pub(super) fn seed_csvs() -> &'static [Vec<u8>] {
    static SEEDS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let text = "2026年示范区企业问题台账\r\n序号,企业名称,统一社会信用代码,所属镇(街道),存在问题,企业诉求,问题类别,反映时间,主办单位,协办单位,办理时限,是否办结\r\n\
                    1,示范区恒达精密机械有限公司,91350100M000100Y43,城关街道,扩建厂房用地指标未落实,\"协调用地指标,尽快\",用地,2026-03-02,工业和信息化局,\"自然资源局、人社局\",15个工作日,否\r\n\
                    2,西山云帆物流有限公司,,西山镇,\"冷链仓库用电增容\n审批慢\",,水电气等要素,2026/3/5,区自然资源局,,2026年4月30日,是\r\n\
                    合计,2\r\n";
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.as_bytes());
        let (gbk, _, errors) = encoding_rs::GBK.encode(text);
        assert!(!errors);
        vec![text.as_bytes().to_vec(), bom, gbk.into_owned(), text.replace(',', "\t").into_bytes()]
    })
}

// A minimal .xlsx assembled from XML parts in an uncompressed (stored) zip, so that mutations
// reach the XML the cell reader parses and not only the deflate streams.

pub(super) const XLSX_NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
pub(super) const REL_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

pub(super) fn xml_parts() -> Vec<(&'static str, String)> {
    let decl = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
    let ct = "application/vnd.openxmlformats-officedocument.spreadsheetml";
    vec![
        (
            "[Content_Types].xml",
            format!(
                "{decl}<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
                 <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
                 <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
                 <Override PartName=\"/xl/workbook.xml\" ContentType=\"{ct}.sheet.main+xml\"/>\
                 <Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"{ct}.worksheet+xml\"/>\
                 <Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"{ct}.sharedStrings+xml\"/>\
                 <Override PartName=\"/xl/styles.xml\" ContentType=\"{ct}.styles+xml\"/></Types>"
            ),
        ),
        (
            "_rels/.rels",
            format!(
                "{decl}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
                 <Relationship Id=\"rId1\" Type=\"{REL_NS}/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"
            ),
        ),
        (
            "xl/workbook.xml",
            format!(
                "{decl}<workbook xmlns=\"{XLSX_NS}\" xmlns:r=\"{REL_NS}\"><workbookPr/><sheets>\
                 <sheet name=\"问题台账\" sheetId=\"1\" r:id=\"rId1\"/></sheets>\
                 <definedNames><definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"0\" hidden=\"1\">问题台账!$A$2:$F$4</definedName></definedNames></workbook>"
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            format!(
                "{decl}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
                 <Relationship Id=\"rId1\" Type=\"{REL_NS}/worksheet\" Target=\"worksheets/sheet1.xml\"/>\
                 <Relationship Id=\"rId2\" Type=\"{REL_NS}/sharedStrings\" Target=\"sharedStrings.xml\"/>\
                 <Relationship Id=\"rId3\" Type=\"{REL_NS}/styles\" Target=\"styles.xml\"/></Relationships>"
            ),
        ),
        (
            "xl/styles.xml",
            format!(
                "{decl}<styleSheet xmlns=\"{XLSX_NS}\"><numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"yyyy\\-mm\\-dd\"/></numFmts>\
                 <cellXfs count=\"3\"><xf numFmtId=\"0\"/><xf numFmtId=\"164\" applyNumberFormat=\"1\"/><xf numFmtId=\"14\" applyNumberFormat=\"1\"/></cellXfs></styleSheet>"
            ),
        ),
        (
            "xl/sharedStrings.xml",
            format!(
                "{decl}<sst xmlns=\"{XLSX_NS}\" count=\"10\" uniqueCount=\"10\">\
                 <si><t>2026年问题台账</t></si><si><t>序号</t></si><si><t>企业名称</t></si><si><t>问题描述</t></si>\
                 <si><t>提出时间</t></si><si><t>是否办结</t></si><si><t>备注</t></si>\
                 <si><t xml:space=\"preserve\"> 示范区恒达精密机械有限公司 </t></si>\
                 <si><r><t>用地</t></r><r><rPr><b/></rPr><t>指标_x000D_未落实</t></r><rPh sb=\"0\" eb=\"1\"><t>ヨウチ</t></rPh></si>\
                 <si><t>是</t></si></sst>"
            ),
        ),
        (
            "xl/worksheets/sheet1.xml",
            format!(
                "{decl}<worksheet xmlns=\"{XLSX_NS}\" xmlns:r=\"{REL_NS}\"><dimension ref=\"A1:F5\"/><sheetData>\
                 <row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>\
                 <row r=\"2\"><c r=\"A2\" t=\"s\"><v>1</v></c><c r=\"B2\" t=\"s\"><v>2</v></c><c r=\"C2\" t=\"s\"><v>3</v></c>\
                 <c r=\"D2\" t=\"s\"><v>4</v></c><c r=\"E2\" t=\"s\"><v>5</v></c><c r=\"F2\" t=\"s\"><v>6</v></c></row>\
                 <row r=\"3\"><c r=\"A3\"><v>1</v></c><c r=\"B3\" t=\"s\"><v>7</v></c><c r=\"C3\" t=\"s\"><v>8</v></c>\
                 <c r=\"D3\" s=\"1\"><v>46086</v></c><c r=\"E3\" t=\"s\"><v>9</v></c><c r=\"F3\" t=\"e\"><v>#N/A</v></c></row>\
                 <row r=\"4\"><c r=\"A4\" t=\"str\"><f>1+1</f><v>2</v></c><c r=\"B4\" t=\"inlineStr\"><is><t>西山&amp;新材料</t></is></c>\
                 <c r=\"C4\" t=\"inlineStr\"><is><r><t>富</t></r><r><rPr><b/></rPr><t>文本</t></r></is></c>\
                 <c r=\"D4\" t=\"d\"><v>2026-03-05T00:00:00</v></c><c r=\"E4\" t=\"b\"><v>1</v></c><c r=\"F4\"><v>3.5E+2</v></c></row>\
                 <row r=\"5\" spans=\"1:6\"><c r=\"A5\"><v>-1</v></c><c r=\"B5\" s=\"2\"><v>2958465.9</v></c><c r=\"C5\" t=\"n\"><v>1e308</v></c>\
                 <c t=\"s\"><v>9</v></c><c r=\"F5\" t=\"inlineStr\"><is><t>&lt;script&gt;&#x202E;</t></is></c></row>\
                 </sheetData><mergeCells count=\"1\"><mergeCell ref=\"A1:F1\"/></mergeCells></worksheet>"
            ),
        ),
    ]
}

pub(super) fn crc32(data: &[u8]) -> u32 {
    static TABLE: OnceLock<[u32; 256]> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut t = [0u32; 256];
        for (i, slot) in t.iter_mut().enumerate() {
            let mut c = i as u32;
            for _ in 0..8 {
                c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
            }
            *slot = c;
        }
        t
    });
    !data.iter().fold(!0u32, |c, b| table[((c ^ *b as u32) & 0xff) as usize] ^ (c >> 8))
}

/// A zip of stored (uncompressed) entries with correct CRCs.
pub(super) fn stored_zip(files: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in files {
        let offset = out.len() as u32;
        let crc = crc32(data);
        let head = |sig: u32, central: bool| {
            let mut h = Vec::new();
            h.extend_from_slice(&sig.to_le_bytes());
            if central {
                h.extend_from_slice(&20u16.to_le_bytes());
            }
            h.extend_from_slice(&20u16.to_le_bytes()); // version needed
            h.extend_from_slice(&0x0800u16.to_le_bytes()); // UTF-8 names
            h.extend_from_slice(&0u16.to_le_bytes()); // stored
            h.extend_from_slice(&0u16.to_le_bytes()); // time
            h.extend_from_slice(&0x21u16.to_le_bytes()); // date 1980-01-01
            h.extend_from_slice(&crc.to_le_bytes());
            h.extend_from_slice(&(data.len() as u32).to_le_bytes());
            h.extend_from_slice(&(data.len() as u32).to_le_bytes());
            h.extend_from_slice(&(name.len() as u16).to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes()); // extra
            if central {
                h.extend_from_slice(&[0u8; 6]); // comment, disk, internal attributes
                h.extend_from_slice(&0u32.to_le_bytes()); // external attributes
                h.extend_from_slice(&offset.to_le_bytes());
            }
            h.extend_from_slice(name.as_bytes());
            h
        };
        out.extend(head(0x0403_4b50, false));
        out.extend_from_slice(data);
        central.extend(head(0x0201_4b50, true));
    }
    let cd_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0u8; 4]);
    out.extend_from_slice(&(files.len() as u16).to_le_bytes());
    out.extend_from_slice(&(files.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// Cell references worth writing into an `r="…"` attribute.
pub(super) const REFS: &[&str] = &[
    "A1048576",
    "A1048577",
    "XFD1",
    "XFE1",
    "XFD1048576",
    "A4294967295",
    "A4294967296",
    "A99999999999",
    "AAAAAAA1",
    "ZZZZZZZZZZZZZZ1",
    "A0",
    "1A",
    "",
    "a1",
    "$A$1",
    "A-1",
    "A1:B2",
    "4000000000",
    "🙂1",
];

#[derive(Debug, Clone)]
pub(super) struct RefEdit {
    pub(super) nth: usize,
    pub(super) reference: usize,
}

pub(super) fn ref_edit() -> impl Strategy<Value = RefEdit> {
    (0..40usize, 0..REFS.len()).prop_map(|(nth, reference)| RefEdit { nth, reference })
}

/// Replaces the value of the nth ` r="…"` attribute (a row or a cell position).
pub(super) fn edit_refs(xml: &mut Vec<u8>, edits: &[RefEdit]) {
    for e in edits {
        let starts: Vec<usize> =
            xml.windows(4).enumerate().filter(|(_, w)| w == b" r=\"").map(|(i, _)| i + 4).collect();
        if starts.is_empty() {
            return;
        }
        let start = starts[e.nth % starts.len()];
        let Some(len) = xml[start..].iter().position(|b| *b == b'"') else { return };
        xml.splice(start..start + len, REFS[e.reference].bytes());
    }
}

// ------------------------------------------------------------------------------------------
// JSON mutations (the calendar and the command payloads).
// ------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
pub(super) enum JsonOp {
    Replace { pick: u32, with: Value },
    Remove { pick: u32 },
    AddKey { pick: u32, key: String, with: Value },
    Duplicate { pick: u32 },
}

pub(super) fn json_op(atoms: Vec<Value>, keys: Vec<&'static str>) -> impl Strategy<Value = JsonOp> {
    let value = json_value(atoms);
    let key = prop_oneof![3 => prop::sample::select(keys).prop_map(String::from), 1 => any::<String>()];
    prop_oneof![
        5 => (any::<u32>(), value.clone()).prop_map(|(pick, with)| JsonOp::Replace { pick, with }),
        2 => any::<u32>().prop_map(|pick| JsonOp::Remove { pick }),
        2 => (any::<u32>(), key, value).prop_map(|(pick, key, with)| JsonOp::AddKey { pick, key, with }),
        1 => any::<u32>().prop_map(|pick| JsonOp::Duplicate { pick }),
    ]
}

/// Generic JSON atoms, plus the given domain ones.
pub(super) fn json_atom(extra: Vec<Value>) -> impl Strategy<Value = Value> + Clone {
    let numbers = vec![
        json!(0),
        json!(-1),
        json!(1),
        json!(2026),
        json!(2100),
        json!(2101),
        json!(1999),
        json!(i64::MAX),
        json!(i64::MIN),
        json!(u64::MAX),
        json!(1.5),
        json!(-0.0),
        json!(1e308),
        json!(365),
        json!(366),
        json!(4294967296u64),
    ];
    prop_oneof![
        1 => Just(Value::Null),
        1 => any::<bool>().prop_map(Value::Bool),
        2 => prop::sample::select(numbers),
        1 => any::<i64>().prop_map(|n| json!(n)),
        1 => any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map(Value::Number).unwrap_or(Value::Null)),
        3 => hostile_text().prop_map(|p| Value::String(render(&p))),
        2 => prop::sample::select(vec![
            "2026-02-30", "2026-02-28", "0000-01-01", "+262143-12-31", "-262144-01-01", "2026-06-15T00:00:00Z", "9999-12-31",
            "2027-01-01", "2026-13-01", "20260305", "2026-3-5", "",
        ])
        .prop_map(|s| Value::String(s.into())),
        8 => prop::sample::select(extra),
    ]
}

pub(super) fn json_value(extra: Vec<Value>) -> impl Strategy<Value = Value> + Clone {
    json_atom(extra).prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(("[a-z_]{1,12}", inner), 0..4).prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

pub(super) fn count_nodes(v: &Value) -> usize {
    1 + match v {
        Value::Array(a) => a.iter().map(count_nodes).sum(),
        Value::Object(o) => o.values().map(count_nodes).sum(),
        _ => 0,
    }
}

/// The node numbered `target` in pre-order.
pub(super) fn nth_node(v: &mut Value, target: usize) -> Option<&mut Value> {
    fn walk<'a>(v: &'a mut Value, target: usize, n: &mut usize) -> Option<&'a mut Value> {
        if *n == target {
            return Some(v);
        }
        *n += 1;
        match v {
            Value::Array(a) => a.iter_mut().find_map(|c| walk(c, target, n)),
            Value::Object(o) => o.values_mut().find_map(|c| walk(c, target, n)),
            _ => None,
        }
    }
    walk(v, target, &mut 0)
}

pub(super) const REMOVED: &str = "\u{0}hostile:removed";

pub(super) fn drop_removed(v: &mut Value) {
    match v {
        Value::Array(a) => {
            a.retain(|c| c.as_str() != Some(REMOVED));
            a.iter_mut().for_each(drop_removed);
        }
        Value::Object(o) => {
            o.retain(|_, c| c.as_str() != Some(REMOVED));
            o.values_mut().for_each(drop_removed);
        }
        _ => {}
    }
}

pub(super) fn apply_json(v: &mut Value, ops: &[JsonOp]) {
    for op in ops {
        let n = count_nodes(v);
        let pick = |p: &u32| *p as usize % n;
        match op {
            JsonOp::Replace { pick: p, with } => {
                if let Some(node) = nth_node(v, pick(p)) {
                    *node = with.clone();
                }
            }
            JsonOp::Remove { pick: p } => {
                if pick(p) != 0 {
                    if let Some(node) = nth_node(v, pick(p)) {
                        *node = Value::String(REMOVED.into());
                    }
                    drop_removed(v);
                }
            }
            JsonOp::AddKey { pick: p, key, with } => match nth_node(v, pick(p)) {
                Some(Value::Object(o)) => {
                    o.insert(key.clone(), with.clone());
                }
                Some(Value::Array(a)) => a.push(with.clone()),
                _ => {}
            },
            JsonOp::Duplicate { pick: p } => {
                if let Some(Value::Array(a)) = nth_node(v, pick(p)) {
                    if let Some(first) = a.first().cloned() {
                        a.push(first);
                    }
                }
            }
        }
    }
}
