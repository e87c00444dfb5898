//! 下载模板: the visit sheet a township fills for `import::visits` (走访记录导入模板.xlsx). Its
//! first sheet has the headers the importer reads by name, example rows (marked 示例, which the
//! importer skips, so a sheet filled under them still imports) and drop-down lists for the
//! visit form, the category (the district's own list) and the priority; the second sheet says
//! how to fill it. The headers are the importer's own field names, so the template always
//! maps exactly (tested both ways).

use std::path::Path;

use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, Format, FormatAlign, FormatBorder, Formula, Workbook, Worksheet,
    XlsxError,
};
use taizhang_core::model::{Priority, VisitForm};
use taizhang_ledger::{ChainHead, Ledger, OutputTarget};

use super::monitoring::{save, spreadsheet_error};
use super::{ExportError, ExportSummary};

/// The first sheet's name.
pub const VISIT_TEMPLATE_SHEET: &str = "走访记录";
/// The notes sheet's name.
pub const VISIT_TEMPLATE_NOTES: &str = "填写说明";

/// The template's columns: header, whether required, and what to write.
pub const VISIT_TEMPLATE_COLUMNS: &[(&str, bool, &str)] = &[
    ("企业名称", true, "本镇街企业的全称，与企业名录一致；也可只填统一社会信用代码"),
    ("统一社会信用代码", false, "18位代码；填了就按代码找企业，名称可不填"),
    ("走访日期", true, "如 2026-03-05、2026/3/5、2026年3月5日；不能晚于今天"),
    ("走访人", true, "参加走访的人员，多人用顿号隔开"),
    ("走访方式", false, "实地走访、座谈会、电话、线上；不填按实地走访"),
    ("走访情况", false, "走访的简要情况"),
    ("问题描述", false, "企业反映的问题；这次走访没有问题就留空，只记录走访"),
    ("企业诉求", false, "企业希望怎样解决"),
    ("问题类别", false, "有问题时必填，从下拉列表中选（本区的问题类别表）"),
    ("紧急程度", false, "一般、紧急、重大；不填按一般"),
    ("责任领导", false, "负责督办的领导，可不填"),
];

/// Example rows: one visit raising two problems (its columns written on each row), one
/// without a problem.
const EXAMPLES: &[[&str; 11]] = &[
    [
        "示例：示范区恒达精密机械有限公司（导入时跳过此行）",
        "",
        "2026-03-05",
        "张三、李四",
        "实地走访",
        "了解二期项目进展",
        "扩建厂房用地指标未落实，影响二期投产",
        "协调解决用地指标",
        "",
        "紧急",
        "",
    ],
    [
        "示例：示范区恒达精密机械有限公司（导入时跳过此行）",
        "",
        "2026-03-05",
        "张三、李四",
        "实地走访",
        "",
        "技术工人招聘困难",
        "协助对接职业院校",
        "",
        "一般",
        "",
    ],
    [
        "示例：示范区新材料科技有限公司（导入时跳过此行）",
        "",
        "2026-03-12",
        "张三",
        "电话",
        "企业生产经营正常，暂无问题",
        "",
        "",
        "",
        "",
        "",
    ],
];

/// How many rows under the header carry the drop-down lists.
const LIST_ROWS: u32 = 2000;

fn sheet(wb: &mut Workbook, categories: &[String]) -> Result<(), XlsxError> {
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin)
        .set_background_color("#DDEBF7");
    let required = header.clone().set_font_color("#C00000");
    let example = Format::new().set_font_color("#808080").set_italic();
    let text = Format::new().set_num_format("@");

    let ws = wb.add_worksheet().set_name(VISIT_TEMPLATE_SHEET)?;
    for (c, (name, req, _)) in VISIT_TEMPLATE_COLUMNS.iter().enumerate() {
        let c = c as u16;
        ws.write_string_with_format(0, c, *name, if *req { &required } else { &header })?;
        let width = match *name {
            "企业名称" | "问题描述" | "企业诉求" | "走访情况" => 32.0,
            "统一社会信用代码" => 22.0,
            _ => 12.0,
        };
        ws.set_column_width(c, width)?;
    }
    // Dates and codes as text, so Excel keeps what is typed.
    ws.set_column_format(1, &text)?;
    ws.set_row_height(0, 30)?;
    ws.set_freeze_panes(1, 0)?;
    for (r, ex) in EXAMPLES.iter().enumerate() {
        for (c, v) in ex.iter().enumerate() {
            let v = if c == 8 && v.is_empty() {
                // The example's category is the district's first, so it is one it accepts.
                categories.first().map(String::as_str).unwrap_or("")
            } else {
                v
            };
            if !v.is_empty() {
                ws.write_string_with_format(r as u32 + 1, c as u16, v, &example)?;
            }
        }
    }
    lists(ws, categories)?;
    Ok(())
}

fn lists(ws: &mut Worksheet, categories: &[String]) -> Result<(), XlsxError> {
    let forms: Vec<&str> = VisitForm::ALL.iter().map(|f| f.label_zh()).collect();
    let priorities: Vec<&str> = Priority::ALL.iter().map(|p| p.label_zh()).collect();
    // Warnings, not refusals: the importer also reads other wordings (上门走访, 特急…).
    let list = |items: &[&str]| -> Result<DataValidation, XlsxError> {
        Ok(DataValidation::new().allow_list_strings(items)?.set_error_style(DataValidationErrorStyle::Warning))
    };
    ws.add_data_validation(1, 4, LIST_ROWS, 4, &list(&forms)?)?;
    ws.add_data_validation(1, 9, LIST_ROWS, 9, &list(&priorities)?)?;
    if !categories.is_empty() {
        // From the notes sheet: a district's list can be longer than an inline list may be.
        let last = NOTES_CATEGORY_ROW + categories.len() as u32;
        let formula = Formula::new(format!("='{VISIT_TEMPLATE_NOTES}'!$B${}:$B${last}", NOTES_CATEGORY_ROW + 1));
        let v = DataValidation::new().allow_list_formula(formula).set_error_style(DataValidationErrorStyle::Warning);
        ws.add_data_validation(1, 8, LIST_ROWS, 8, &v)?;
    }
    Ok(())
}

/// The 0-based row of the notes sheet under which the categories are listed, one a row in
/// column B.
const NOTES_CATEGORY_ROW: u32 = 22;

fn notes(wb: &mut Workbook, categories: &[String]) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let ws = wb.add_worksheet().set_name(VISIT_TEMPLATE_NOTES)?;
    ws.set_column_width(0, 18.0)?;
    ws.set_column_width(1, 70.0)?;
    ws.write_string_with_format(0, 0, "走访记录导入说明", &bold)?;
    let lines = [
        "每行一个问题：同一次走访提出几个问题就写几行，走访的列（企业、日期、走访人、方式）每行照填，或只在第一行填、下面几行留空（合并单元格也可以）。",
        "走访时没有问题：问题描述、企业诉求、问题类别都留空，只记录这次走访。",
        "只能导入本镇街企业的走访；企业须已在企业名录中。",
        "导入前先预览：每行的结果和错误都会列出；任何一行有错误，整张表都不写入，改正后重新导入即可。",
        "同一张表导入两次不会重复：台账中已有的走访（同一企业、日期、走访人）不再记录，已由它登记的同一问题不再登记。",
        "以“示例”开头的行是模板的示例，导入时跳过，可以删除。",
    ];
    for (i, l) in lines.iter().enumerate() {
        ws.write_string_with_format(i as u32 + 1, 0, format!("{}.", i + 1), &wrap)?;
        ws.write_string_with_format(i as u32 + 1, 1, *l, &wrap)?;
    }
    let start = lines.len() as u32 + 2;
    ws.write_string_with_format(start, 0, "列", &bold)?;
    ws.write_string_with_format(start, 1, "填写要求（红色表头为必填）", &bold)?;
    for (i, (name, req, what)) in VISIT_TEMPLATE_COLUMNS.iter().enumerate() {
        let r = start + 1 + i as u32;
        ws.write_string_with_format(r, 0, *name, &wrap)?;
        ws.write_string_with_format(r, 1, format!("{}{}", if *req { "必填。" } else { "" }, what), &wrap)?;
    }
    debug_assert!(start + 1 + (VISIT_TEMPLATE_COLUMNS.len() as u32) < NOTES_CATEGORY_ROW);
    ws.write_string_with_format(NOTES_CATEGORY_ROW, 0, "问题类别", &bold)?;
    ws.write_string_with_format(NOTES_CATEGORY_ROW, 1, "本区的问题类别表（问题类别列从中选）", &bold)?;
    for (i, c) in categories.iter().enumerate() {
        ws.write_string(NOTES_CATEGORY_ROW + 1 + i as u32, 1, c)?;
    }
    Ok(())
}

/// Writes the template for `categories` (the district's list) at `out`.
pub fn write_visit_template<'a>(
    categories: &[String],
    chain_heads: Vec<ChainHead>,
    out: impl Into<OutputTarget<'a>>,
    open_ledger: Option<&Path>,
) -> Result<ExportSummary, ExportError> {
    let target = out.into();
    let mut wb = Workbook::new();
    sheet(&mut wb, categories)
        .and_then(|()| notes(&mut wb, categories))
        .map_err(|e| spreadsheet_error(e, target.path))?;
    wb.set_properties(&rust_xlsxwriter::DocProperties::new().set_title("走访记录导入模板"));
    save(wb, target, open_ledger, EXAMPLES.len() as u64, chain_heads)
}

/// The template with the ledger's category list, at `out` (never over the ledger itself).
pub fn export_visit_template<'a>(
    ledger: &Ledger,
    out: impl Into<OutputTarget<'a>>,
) -> Result<ExportSummary, ExportError> {
    let categories = ledger.settings()?.categories;
    write_visit_template(&categories, Vec::new(), out, ledger.path())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::{find_header, Field};
    use crate::import::EXAMPLE_MARK;
    use crate::sheet::read_workbook;

    #[test]
    fn the_template_reads_back_as_the_importer_reads_it() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("走访记录导入模板.xlsx");
        let categories: Vec<String> = ["用地", "融资", "其他"].map(String::from).to_vec();
        let summary = write_visit_template(&categories, Vec::new(), out.as_path(), None).unwrap();
        assert_eq!(summary.rows, EXAMPLES.len() as u64);
        let wb = read_workbook(&out, None).unwrap();
        assert_eq!(wb.sheet.name, VISIT_TEMPLATE_SHEET);
        assert_eq!(wb.sheet_names, [VISIT_TEMPLATE_SHEET, VISIT_TEMPLATE_NOTES]);
        let h = find_header(&wb.sheet.rows, 30).expect("the header is found");
        assert_eq!(h.row, 0);
        let fields: Vec<Field> = h.columns.iter().map(|(_, f)| *f).collect();
        assert_eq!(
            fields,
            [
                Field::Enterprise,
                Field::CreditCode,
                Field::RaisedOn,
                Field::Visitors,
                Field::VisitForm,
                Field::VisitNotes,
                Field::Description,
                Field::Demand,
                Field::Category,
                Field::Priority,
                Field::ResponsibleLeader,
            ],
            "every column maps, in order, to the field it names"
        );
        assert!(h.unknown.is_empty() && h.passed_over.is_empty());
        // Every example row is marked, so the importer skips it; its category is the list's.
        for r in &wb.sheet.rows[1..=EXAMPLES.len()] {
            assert!(r[0].starts_with(EXAMPLE_MARK), "{r:?}");
        }
        assert_eq!(wb.sheet.rows[1][8], "用地");
        let notes = read_workbook(&out, Some(VISIT_TEMPLATE_NOTES)).unwrap();
        let listed: Vec<&str> = notes.sheet.rows[NOTES_CATEGORY_ROW as usize + 1..]
            .iter()
            .map(|r| r.get(1).map(String::as_str).unwrap_or(""))
            .collect();
        assert_eq!(listed, ["用地", "融资", "其他"]);
    }
}
