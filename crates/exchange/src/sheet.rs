//! Reading a spreadsheet file into rows of cell text: .xlsx and legacy .xls through calamine,
//! .csv as UTF-8 (with or without BOM) or GBK/GB18030 as Excel saves it in China.
//!
//! Every cell becomes text so that one set of rules (`cells`, `header`) reads all three
//! formats; a real date cell becomes `YYYY-MM-DD`, which `cells::parse_date` reads back.

use std::io::Cursor;
use std::path::Path;

use calamine::{Data, DataRef, Reader};

use crate::cells::date_from_serial;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Format {
    Xlsx,
    Xls,
    Csv,
}

/// One sheet as rows of trimmed cell text. Row `i` is spreadsheet row `i + 1`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<String>>,
}

/// A workbook's sheet names and the one sheet read.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Workbook {
    pub format: Format,
    pub sheet_names: Vec<String>,
    pub sheet: Sheet,
}

#[derive(Debug, thiserror::Error, serde::Serialize, serde::Deserialize)]
pub enum ReadError {
    #[error("cannot read {path}: {reason}")]
    Io { path: String, reason: String },
    #[error("{path} is not an Excel or CSV file")]
    NotASpreadsheet { path: String },
    #[error("{path} could not be read as a spreadsheet: {reason}")]
    Damaged { path: String, reason: String },
    #[error("the workbook has no sheet named {sheet}")]
    NoSuchSheet { sheet: String, available: Vec<String> },
    #[error("{path} is neither UTF-8 nor GBK text")]
    Encoding { path: String },
    #[error(
        "{path} holds more text than a sheet may ({limit_mb} MB, a shared text counted in every cell that shows it)"
    )]
    TooLarge { path: String, limit_mb: u64 },
    #[error("{path}: cell {cell} holds {chars} characters, more than the {max} a cell may hold")]
    CellTooLong { path: String, cell: String, chars: usize, max: usize },
}

impl ReadError {
    pub fn code(&self) -> &'static str {
        match self {
            ReadError::Io { .. } => "import.io",
            ReadError::NotASpreadsheet { .. } => "import.not_a_spreadsheet",
            ReadError::Damaged { .. } => "import.damaged",
            ReadError::NoSuchSheet { .. } => "import.no_such_sheet",
            ReadError::Encoding { .. } => "import.encoding",
            ReadError::TooLarge { .. } => "import.sheet_too_large",
            ReadError::CellTooLong { .. } => "import.cell_too_long",
        }
    }
}

/// The params are the fields, except that the sheets a workbook has are one text (the message
/// lists them).
impl taizhang_core::coded::Coded for ReadError {
    fn code(&self) -> &'static str {
        ReadError::code(self)
    }
    fn params(&self) -> taizhang_core::coded::Params {
        let mut params = taizhang_core::coded::serde_params(self);
        if let ReadError::NoSuchSheet { available, .. } = self {
            params.insert("available".into(), available.join("、").into());
        }
        params
    }
}

/// The longest text one cell of a workbook may hold: Excel's own limit (our .xlsx export cuts
/// there). A CSV has no shared text, so its cells are bounded by the file and the sheet total.
pub const MAX_CELL_CHARS: usize = 32_767;
/// The most text one sheet may hold, in bytes of UTF-8, counting a shared string once for
/// every cell that shows it: the rows are held as text, so this bounds what a preview holds.
/// A 100,000-row ledger in the benchmark's layout holds about 22 MB.
pub const MAX_SHEET_TEXT_BYTES: usize = 128 << 20;
/// The largest shared-string table (`sharedStrings.xml`, uncompressed) an .xlsx may have:
/// calamine holds it whole before the first cell is read. A table holds each text once, so
/// it is never larger than the text of its sheets plus its markup.
pub const MAX_SHARED_STRINGS_BYTES: u64 = MAX_SHEET_TEXT_BYTES as u64 + (MAX_SHEET_TEXT_BYTES as u64 >> 1);
/// The largest part of any other kind (a worksheet's XML, uncompressed). Worksheets are read
/// cell by cell, but a cell's own text is allocated whole before it can be measured.
pub const MAX_PART_BYTES: u64 = 1 << 30;
/// The address space a sheet-reading child process may use (`serve_read_request`): a parser
/// that allocates by counts read from the file stops there, not in the machine's swap.
pub const READER_MEMORY_LIMIT: u64 = 4 << 30;

/// The text a sheet is read into, counted as it is read, so a file refused for its size is
/// refused before its text is held (`MAX_CELL_CHARS`, `MAX_SHEET_TEXT_BYTES`).
struct TextBudget<'p> {
    path: &'p str,
    used: usize,
    /// Whether a cell over `MAX_CELL_CHARS` is refused (workbooks; not CSV).
    cell_limit: bool,
}

impl<'p> TextBudget<'p> {
    fn new(path: &'p str) -> Self {
        TextBudget { path, used: 0, cell_limit: true }
    }

    /// Counts one cell's text (at zero-based row `r`, column `c`) before it is copied.
    fn take(&mut self, r: usize, c: usize, text: &str) -> Result<(), ReadError> {
        let text = text.trim();
        // Bytes bound characters: count characters only for a cell that may be too long.
        if self.cell_limit && text.len() > MAX_CELL_CHARS {
            let chars = text.chars().count();
            if chars > MAX_CELL_CHARS {
                let cell = format!("{}{}", crate::import::column_letter(c.min(u32::MAX as usize) as u32), r as u64 + 1);
                return Err(ReadError::CellTooLong { path: self.path.to_string(), cell, chars, max: MAX_CELL_CHARS });
            }
        }
        self.used = self.used.saturating_add(text.len());
        if self.used > MAX_SHEET_TEXT_BYTES {
            return Err(ReadError::TooLarge {
                path: self.path.to_string(),
                limit_mb: (MAX_SHEET_TEXT_BYTES >> 20) as u64,
            });
        }
        Ok(())
    }
}

/// The program to read spreadsheets in a child process of (see `isolate_reading`).
static READER: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();

/// The argument that makes a program built with `serve_read_request` a sheet reader.
pub const READ_SHEET_ARG: &str = "--taizhang-read-sheet";

/// From now on, read spreadsheets in a child process: `exe READ_SHEET_ARG path [sheet]`.
/// A parser that aborts (calamine 0.38 allocates by counts read from the file before checking
/// them, tafia/calamine#684) then takes down the child, not the desktop app, and the user gets
/// `import.damaged`. `exe` must call `serve_read_request` first thing in `main`.
pub fn isolate_reading(exe: std::path::PathBuf) {
    let _ = READER.set(exe);
}

/// In `main`, before anything else: when started as a sheet reader, reads the file, writes the
/// result as JSON to stdout and returns the exit code; otherwise `None`.
pub fn serve_read_request(args: &[String]) -> Option<i32> {
    if args.get(1).map(String::as_str) != Some(READ_SHEET_ARG) {
        return None;
    }
    let path = Path::new(args.get(2)?);
    limit_memory(READER_MEMORY_LIMIT);
    let result: Result<Workbook, ReadError> = read_workbook(path, args.get(3).map(String::as_str));
    let out = serde_json::to_vec(&result).unwrap_or_default();
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    Some(if stdout.write_all(&out).and_then(|_| stdout.flush()).is_ok() { 0 } else { 1 })
}

/// Reads `path` (whose bytes the caller has already read, for its digest) in the child
/// process when reading is isolated, else here.
pub fn read_workbook_checked(path: &Path, bytes: &[u8], sheet: Option<&str>) -> Result<Workbook, ReadError> {
    let Some(exe) = READER.get() else { return read_workbook_bytes(path, bytes, sheet) };
    let shown = path.display().to_string();
    let mut cmd = std::process::Command::new(exe);
    cmd.arg(READ_SHEET_ARG).arg(path);
    if let Some(s) = sheet {
        cmd.arg(s);
    }
    let out = cmd
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .output()
        .map_err(|e| ReadError::Io { path: shown.clone(), reason: e.to_string() })?;
    if !out.status.success() {
        // Rust's allocator reports a refused allocation on stderr, then aborts: the reader ran
        // into `READER_MEMORY_LIMIT`, which only a sheet too large to hold does.
        if String::from_utf8_lossy(&out.stderr).contains("memory allocation of") {
            return Err(ReadError::TooLarge { path: shown, limit_mb: (MAX_SHEET_TEXT_BYTES >> 20) as u64 });
        }
        return Err(ReadError::Damaged { path: shown, reason: "the spreadsheet reader stopped on this file".into() });
    }
    serde_json::from_slice::<Result<Workbook, ReadError>>(&out.stdout).map_err(|e| ReadError::Damaged {
        path: shown,
        reason: format!("the spreadsheet reader answered badly: {e}"),
    })?
}

/// Caps the address space of this process (a sheet-reading child) at `bytes`, so an
/// allocation sized by a hostile file fails (and the child aborts, which its parent reports)
/// instead of exhausting the machine. Unix only; elsewhere the child still isolates a crash.
fn limit_memory(bytes: u64) {
    #[cfg(unix)]
    {
        let limit = libc::rlimit { rlim_cur: bytes as libc::rlim_t, rlim_max: bytes as libc::rlim_t };
        // SAFETY: setrlimit reads the struct we pass and changes only this process's limit.
        #[allow(unsafe_code)]
        let _ = unsafe { libc::setrlimit(libc::RLIMIT_AS, &limit) };
    }
    #[cfg(not(unix))]
    let _ = bytes;
}

/// What the bytes are, by their signature first (a renamed file is still read right), then by
/// the extension for text.
pub fn detect_format(path: &Path, bytes: &[u8]) -> Option<Format> {
    if bytes.starts_with(b"PK\x03\x04") {
        return Some(Format::Xlsx);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Some(Format::Xls);
    }
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    // A NUL byte marks a binary file renamed .csv, unless the file starts as UTF-8 text (our
    // CSV export does: the ledger keeps control characters typed into a text, NUL included).
    let text = bytes.starts_with(b"\xEF\xBB\xBF") || !bytes.contains(&0);
    if matches!(ext.as_str(), "csv" | "txt" | "tsv") && text {
        return Some(Format::Csv);
    }
    None
}

/// Reads one sheet (the named one, or the first) of the file at `path`.
pub fn read_workbook(path: &Path, sheet: Option<&str>) -> Result<Workbook, ReadError> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| ReadError::Io { path: shown.clone(), reason: e.to_string() })?;
    read_workbook_bytes(path, &bytes, sheet)
}

/// As `read_workbook`, over bytes already read; `path` gives the name and extension.
pub fn read_workbook_bytes(path: &Path, bytes: &[u8], sheet: Option<&str>) -> Result<Workbook, ReadError> {
    let shown = path.display().to_string();
    let format = detect_format(path, bytes).ok_or_else(|| ReadError::NotASpreadsheet { path: shown.clone() })?;
    // A malformed file must come back as an error, never as a panic in a parser.
    let read = std::panic::catch_unwind(|| match format {
        Format::Csv => read_csv(path, bytes).map(|s| (vec![s.name.clone()], s)),
        Format::Xlsx | Format::Xls => read_excel(path, bytes, format, sheet),
    });
    let (sheet_names, sheet_read) = match read {
        Ok(r) => r?,
        Err(_) => return Err(ReadError::Damaged { path: shown, reason: "the parser failed on this file".into() }),
    };
    Ok(Workbook { format, sheet_names, sheet: sheet_read })
}

fn pick_sheet(names: &[String], wanted: Option<&str>, shown: &str) -> Result<String, ReadError> {
    match wanted {
        Some(w) => names
            .iter()
            .find(|n| n.trim() == w.trim())
            .cloned()
            .ok_or_else(|| ReadError::NoSuchSheet { sheet: w.to_string(), available: names.to_vec() }),
        None => names
            .first()
            .cloned()
            .ok_or_else(|| ReadError::Damaged { path: shown.to_string(), reason: "no sheets".into() }),
    }
}

fn read_excel(
    path: &Path,
    bytes: &[u8],
    format: Format,
    wanted: Option<&str>,
) -> Result<(Vec<String>, Sheet), ReadError> {
    if format == Format::Xlsx {
        return read_xlsx_streaming(path, bytes, wanted);
    }
    let shown = path.display().to_string();
    let damaged = |e: calamine::Error| ReadError::Damaged { path: shown.clone(), reason: e.to_string() };
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(damaged)?;
    let names = book.sheet_names();
    let name = pick_sheet(&names, wanted, &shown)?;
    let range = book.worksheet_range(&name).map_err(damaged)?;
    // Keep absolute row numbers: a sheet whose used range starts below row 1 still reports
    // the row numbers a spreadsheet program shows.
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    // calamine has read the whole workbook by now (a legacy file is small, and a hostile one
    // meets `READER_MEMORY_LIMIT` in the reading child); the rows made from it are bounded
    // like every other format's.
    let mut budget = TextBudget::new(&shown);
    for (r, row) in range.rows().enumerate() {
        for (c, d) in row.iter().enumerate() {
            if let Data::String(t) | Data::DateTimeIso(t) | Data::DurationIso(t) = d {
                budget.take(first_row as usize + r, first_col as usize + c, t)?;
            }
        }
    }
    let mut rows: Vec<Vec<String>> = vec![Vec::new(); first_row as usize];
    for r in range.rows() {
        let mut cells = vec![String::new(); first_col as usize];
        cells.extend(r.iter().map(cell_text));
        while cells.last().is_some_and(|c| c.is_empty()) {
            cells.pop();
        }
        rows.push(cells);
    }
    Ok((names, Sheet { name, rows }))
}

/// The last row and column a worksheet can have (XFD1048576).
const MAX_ROWS: usize = 1_048_576;
const MAX_COLUMNS: usize = 16_384;
/// Rows are held dense, so empty cells before a filled one are held too. A small file must not
/// make us hold millions of them (one cell in column XFD on every row would pad 16,383 a row):
/// up to a million, and beyond that at most 64 per filled cell, which no real ledger reaches.
const MAX_PADDING: usize = 1_000_000;
const PADDING_PER_CELL: usize = 64;

/// What an .xlsx holds, checked from its zip directory before calamine reads any of it: the
/// declared uncompressed sizes bound what can be read (the zip reader stops a part that
/// inflates past its declared size), so a small file cannot unpack into a shared-string
/// table or a cell of gigabytes; and the count of shared strings the table declares, which
/// calamine reserves room for before reading one, must fit in the table.
fn check_xlsx_parts(shown: &str, bytes: &[u8]) -> Result<(), ReadError> {
    let damaged = |reason: String| ReadError::Damaged { path: shown.to_string(), reason };
    let too_large = || ReadError::TooLarge { path: shown.to_string(), limit_mb: (MAX_SHEET_TEXT_BYTES >> 20) as u64 };
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| damaged(e.to_string()))?;
    for i in 0..zip.len() {
        // Sizes from the directory, without inflating parts calamine may never read.
        let (shared_strings, size) = {
            let raw = zip.by_index_raw(i).map_err(|e| damaged(e.to_string()))?;
            let name = raw.name().map_err(|e| damaged(e.to_string()))?;
            (name.to_ascii_lowercase().ends_with("sharedstrings.xml"), raw.size())
        };
        let limit = if shared_strings { MAX_SHARED_STRINGS_BYTES } else { MAX_PART_BYTES };
        if size > limit {
            return Err(too_large());
        }
        if !shared_strings {
            continue;
        }
        // The table's root element opens its first bytes; its `uniqueCount` is read there.
        let part = zip.by_index(i).map_err(|e| damaged(e.to_string()))?;
        let mut head = Vec::new();
        use std::io::Read;
        let _ = part.take(64 << 10).read_to_end(&mut head);
        // Each string is at least `<si></si>`: a count beyond that is a lie about the table.
        let most = size / 9 + 1;
        match declared_unique_count(&head) {
            None if size > head.len() as u64 => {
                return Err(damaged("its shared-string table does not open in its first 64 KB".into()));
            }
            Some(Some(n)) if n > most as u128 => {
                return Err(damaged(format!(
                    "its shared-string table declares more strings than its {size} bytes can hold"
                )));
            }
            _ => {}
        }
    }
    Ok(())
}

/// The largest `uniqueCount` on the `sst` element that opens `head` (any namespace prefix):
/// calamine reserves room for that many strings. `None` when no `sst` element starts in
/// `head`; `Some(None)` when it declares no count.
fn declared_unique_count(head: &[u8]) -> Option<Option<u128>> {
    let text = String::from_utf8_lossy(head);
    let mut rest = text.as_ref();
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        // A comment may hold anything, a fake `<sst …>` included; the parser skips it.
        if let Some(after) = rest.strip_prefix("!--") {
            rest = after.find("-->").map_or("", |j| &after[j + 3..]);
            continue;
        }
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..end];
        let name = tag.split(|c: char| c.is_whitespace() || c == '/').next().unwrap_or("");
        if name.rsplit(':').next() != Some("sst") {
            continue;
        }
        let mut most: Option<u128> = None;
        let mut attrs = tag;
        while let Some(j) = attrs.find("uniqueCount") {
            attrs = &attrs[j + "uniqueCount".len()..];
            let value = attrs.trim_start().strip_prefix('=').map(str::trim_start).unwrap_or("");
            let digits: String =
                value.trim_start_matches(['"', '\'']).chars().take_while(|c| c.is_ascii_digit()).collect();
            // More digits than any count: as large as can be.
            let n = if digits.len() > 38 { u128::MAX } else { digits.parse().unwrap_or(0) };
            most = Some(most.map_or(n, |m| m.max(n)));
        }
        return Some(most);
    }
    None
}

/// An .xlsx sheet read cell by cell, so a 100,000-row ledger is held once, as rows of text,
/// and not also as calamine's whole-sheet range.
fn read_xlsx_streaming(path: &Path, bytes: &[u8], wanted: Option<&str>) -> Result<(Vec<String>, Sheet), ReadError> {
    let shown = path.display().to_string();
    let damaged = |e: calamine::XlsxError| ReadError::Damaged { path: shown.clone(), reason: e.to_string() };
    check_xlsx_parts(&shown, bytes)?;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(damaged)?;
    let names = book.sheet_names();
    let name = pick_sheet(&names, wanted, &shown)?;
    let mut reader = book.worksheet_cells_reader(&name).map_err(damaged)?;
    let mut rows: Vec<Vec<String>> = Vec::new();
    let (mut filled, mut padding) = (0usize, 0usize);
    let mut budget = TextBudget::new(&shown);
    while let Some(cell) = reader.next_cell().map_err(damaged)? {
        let (r, c) = cell.get_position();
        // A shared string is one text in the file and a copy in every cell that shows it:
        // counted here, before the copy is made.
        if let DataRef::SharedString(t) = cell.get_value() {
            budget.take(r as usize, c as usize, t)?;
        } else if let DataRef::String(t) | DataRef::DateTimeIso(t) | DataRef::DurationIso(t) = cell.get_value() {
            budget.take(r as usize, c as usize, t)?;
        }
        let text = cell_text(&Data::from(cell.get_value().clone()));
        if text.is_empty() {
            continue;
        }
        let (r, c) = (r as usize, c as usize);
        // The position comes from the file: a cell beyond the last row or column a sheet can
        // have is damage, and must not make us allocate rows up to it.
        if r >= MAX_ROWS || c >= MAX_COLUMNS {
            let reason = format!("a cell lies outside the sheet (row {}, column {})", r as u64 + 1, c as u64 + 1);
            return Err(ReadError::Damaged { path: shown, reason });
        }
        if rows.len() <= r {
            rows.resize_with(r + 1, Vec::new);
        }
        let row = &mut rows[r];
        match row.get(c) {
            None => (padding, filled) = (padding + (c - row.len()), filled + 1),
            Some(t) if t.is_empty() => (padding, filled) = (padding - 1, filled + 1),
            Some(_) => {} // the same cell twice: the later one wins
        }
        if padding > MAX_PADDING + PADDING_PER_CELL * filled {
            let reason = format!("its {filled} cells lie too far apart to be held as rows");
            return Err(ReadError::Damaged { path: shown, reason });
        }
        if row.len() <= c {
            row.resize(c + 1, String::new());
        }
        row[c] = text;
    }
    Ok((names, Sheet { name, rows }))
}

/// A cell's text as a user would read it: integers without ".0", date cells as ISO dates.
pub fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        Data::Float(f) => float_text(*f),
        Data::DateTime(dt) if dt.is_datetime() => {
            date_from_serial(dt.as_f64()).map(|d| d.to_string()).unwrap_or_else(|| float_text(dt.as_f64()))
        }
        Data::DateTime(dt) => float_text(dt.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.split('T').next().unwrap_or(s).to_string(),
    }
}

fn float_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// Decodes CSV bytes: a UTF-8 BOM or valid UTF-8 is UTF-8; anything else is tried as GB18030
/// (a superset of GBK), which is what Excel writes for "CSV" on a Chinese system.
pub fn decode_text(bytes: &[u8]) -> Option<String> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return String::from_utf8(rest.to_vec()).ok();
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Some(s.to_string());
    }
    let (text, _, had_errors) = encoding_rs::GB18030.decode(bytes);
    (!had_errors).then(|| text.into_owned())
}

/// The delimiter of a CSV file, from its first records: the one under which a header row is
/// found naming the most ledger or enterprise-list fields; for a file without one, the one that
/// splits the most of the first ten records into the same number of fields (two or more). Cell
/// text does not decide it (a comma CSV whose cells hold semicolons, tabs or line breaks is
/// still a comma CSV); a title line counts for none; a comma wins ties.
fn sniff_delimiter(text: &str) -> u8 {
    let head = |d: u8, n: usize| -> Vec<Vec<String>> {
        let mut reader =
            csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(d).from_reader(text.as_bytes());
        reader
            .records()
            .take(n)
            .map_while(Result::ok)
            .map(|r| r.iter().map(|c| c.trim().to_string()).collect())
            .collect()
    };
    let candidates = [b',', b'\t', b';'];
    let by_header = candidates
        .iter()
        .filter_map(|d| crate::header::find_header(&head(*d, 30), 30).map(|h| ((h.columns.len(), *d == b','), *d)))
        .max();
    if let Some((_, d)) = by_header {
        return d;
    }
    let mut best = (b',', (0usize, 0usize));
    for d in candidates {
        let mut widths: std::collections::BTreeMap<usize, usize> = std::collections::BTreeMap::new();
        for record in head(d, 10).into_iter().filter(|r| r.len() > 1) {
            *widths.entry(record.len()).or_default() += 1;
        }
        let agreed = widths.into_iter().map(|(fields, records)| (records, fields)).max().unwrap_or_default();
        if agreed > best.1 {
            best = (d, agreed);
        }
    }
    best.0
}

fn read_csv(path: &Path, bytes: &[u8]) -> Result<Sheet, ReadError> {
    let shown = path.display().to_string();
    let text = decode_text(bytes).ok_or_else(|| ReadError::Encoding { path: shown.clone() })?;
    let delimiter = sniff_delimiter(&text);
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    // A CSV cell's text is in the file once (no shared strings): only the total is bounded.
    let mut budget = TextBudget { cell_limit: false, ..TextBudget::new(&shown) };
    for rec in reader.records() {
        let rec = rec.map_err(|e| ReadError::Damaged { path: shown.clone(), reason: e.to_string() })?;
        for (c, text) in rec.iter().enumerate() {
            budget.take(rows.len(), c, text)?;
        }
        let mut cells: Vec<String> = rec.iter().map(|c| c.trim().to_string()).collect();
        while cells.last().is_some_and(|c| c.is_empty()) {
            cells.pop();
        }
        rows.push(cells);
    }
    let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or("CSV").to_string();
    Ok(Sheet { name, rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_in_utf8_with_and_without_bom_and_in_gbk_reads_the_same() {
        let text = "企业名称,问题描述\n示范区恒达精密机械有限公司,用地指标未落实\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.as_bytes());
        for bytes in [text.as_bytes().to_vec(), bom, gbk.into_owned()] {
            let wb = read_workbook_bytes(Path::new("台账.csv"), &bytes, None).unwrap();
            assert_eq!(wb.format, Format::Csv);
            assert_eq!(wb.sheet.rows[1], vec!["示范区恒达精密机械有限公司".to_string(), "用地指标未落实".to_string()]);
        }
    }

    #[test]
    fn a_file_that_is_no_spreadsheet_is_named_as_such() {
        let e = read_workbook_bytes(Path::new("x.pdf"), b"%PDF-1.4", None).unwrap_err();
        assert_eq!(e.code(), "import.not_a_spreadsheet");
        let e = read_workbook_bytes(Path::new("x.xlsx"), b"PK\x03\x04garbage", None).unwrap_err();
        assert_eq!(e.code(), "import.damaged");
        let e = read_workbook_bytes(Path::new("x.csv"), &[0xff, 0xfe, 0x00, 0x41], None).unwrap_err();
        assert_eq!(e.code(), "import.not_a_spreadsheet");
    }

    #[test]
    fn a_nul_in_a_utf8_csv_with_a_bom_is_text() {
        let wb =
            read_workbook_bytes(Path::new("a.csv"), "\u{feff}企业名称,问题描述\n甲,前\0后\n".as_bytes(), None).unwrap();
        assert_eq!(wb.sheet.rows[1][1], "前\0后");
    }

    #[test]
    fn tab_separated_text_is_split_on_tabs() {
        let wb = read_workbook_bytes(Path::new("a.txt"), "企业名称\t问题描述\n甲\t乙\n".as_bytes(), None).unwrap();
        assert_eq!(wb.sheet.rows[1], vec!["甲".to_string(), "乙".to_string()]);
    }

    #[test]
    fn delimiters_inside_cells_do_not_decide_the_delimiter() {
        // Nine semicolons in one cell outnumber the header's commas; the records still agree
        // on commas.
        let text = "台账\n企业名称,问题描述,所属镇街\n甲,用地;用工;融资;税费;环保;其他;物流;审批;市场;政策,城关\n乙,a\tb\tc\td\te,西山\n";
        let wb = read_workbook_bytes(Path::new("a.csv"), text.as_bytes(), None).unwrap();
        assert_eq!(wb.sheet.rows[1], ["企业名称", "问题描述", "所属镇街"]);
        assert_eq!(wb.sheet.rows[2][1], "用地;用工;融资;税费;环保;其他;物流;审批;市场;政策");
        // A tab and line breaks inside quoted cells, repeated, outnumber the header's records.
        let cell = "\"甲\t乙\r\n丙\r丁\"";
        let multiline = format!(
            "企业名称,问题描述,企业诉求,办理结果,备注,所属镇街\n{}\n",
            vec![format!("甲,{cell},{cell},{cell},{cell},城关"); 2].join("\n")
        );
        let wb = read_workbook_bytes(Path::new("c.csv"), multiline.as_bytes(), None).unwrap();
        assert_eq!(wb.sheet.rows[0], ["企业名称", "问题描述", "企业诉求", "办理结果", "备注", "所属镇街"]);
        assert_eq!(wb.sheet.rows[2][4], "甲\t乙\r\n丙\r丁");
        let semicolons = "企业名称;问题描述;所属镇街\n甲,乙;用地,用工;城关\n";
        let wb = read_workbook_bytes(Path::new("b.csv"), semicolons.as_bytes(), None).unwrap();
        assert_eq!(wb.sheet.rows[1], ["甲,乙", "用地,用工", "城关"]);
    }

    #[test]
    fn cells_read_as_a_user_reads_them() {
        assert_eq!(cell_text(&Data::Float(13800000000.0)), "13800000000");
        assert_eq!(cell_text(&Data::Float(1.5)), "1.5");
        assert_eq!(cell_text(&Data::String(" 甲 ".into())), "甲");
    }
}
