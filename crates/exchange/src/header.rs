//! Finding the header row under title and 填报 rows, and matching header names that differ
//! from office to office (牵头单位/主办单位/责任单位…) to the ledger's fields.

use serde::{Deserialize, Serialize};

/// The ledger fields a sheet's columns can map to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    SerialNo,
    Number,
    Enterprise,
    CreditCode,
    Township,
    Contact,
    Source,
    Category,
    Description,
    Demand,
    RaisedOn,
    AssignedOn,
    LeadUnit,
    SupportUnits,
    ResponsibleLeader,
    Handler,
    TimeLimit,
    SignedOn,
    Progress,
    Result,
    Extension,
    Escalation,
    ResolvedOn,
    Satisfaction,
    ClosedOn,
    Done,
    Status,
    Remarks,
    // Enterprise lists.
    Industry,
    Scale,
    KeyLevel,
    Address,
    Phone,
    Steward,
}

/// Header names seen in published tables (domain-notes), most specific first. Matching
/// ignores spaces, line breaks and bracketed notes, so "牵头单位\n（主办）" still matches.
const SYNONYMS: &[(Field, &[&str])] = &[
    (Field::SerialNo, &["序号", "编号序号"]),
    (Field::Number, &["问题编号", "台账编号", "工单编号", "编号"]),
    (Field::CreditCode, &["统一社会信用代码", "信用代码", "社会信用代码"]),
    (Field::Enterprise, &["企业名称", "企业", "单位名称", "企业全称", "诉求企业"]),
    (Field::Township, &["所属镇街", "所属镇(街道)", "所属镇（街道）", "所属镇街道", "镇街", "镇办", "乡镇", "镇(街道)", "属地"]),
    (Field::Contact, &["企业联系人/电话", "企业联系人", "联系人及电话", "联系人"]),
    (Field::Source, &["问题来源", "来源", "诉求来源"]),
    (Field::Category, &["问题类别", "问题类型", "类别", "诉求类型"]),
    (Field::Description, &["问题描述", "存在问题", "困难问题", "存在的问题", "问题内容", "问题及诉求", "反映问题"]),
    (Field::Demand, &["企业诉求", "诉求", "具体诉求", "企业诉求内容"]),
    (Field::RaisedOn, &["提出时间", "反映时间", "收集时间", "走访时间", "登记时间"]),
    (Field::AssignedOn, &["交办时间", "交办日期"]),
    (Field::LeadUnit, &["牵头单位", "主办单位", "责任单位", "牵头(主办)单位", "牵头（主办）单位", "承办单位"]),
    (Field::SupportUnits, &["配合单位", "协办单位", "配合(协办)单位", "配合（协办）单位"]),
    (Field::ResponsibleLeader, &["责任领导", "包案领导", "分管领导"]),
    (Field::Handler, &["责任人", "承办人", "经办人"]),
    (Field::TimeLimit, &["办理时限", "完成时限", "办结时限", "时限"]),
    (Field::SignedOn, &["签收时间", "签收日期"]),
    (Field::Progress, &["办理进展", "进展情况", "推进情况", "办理情况"]),
    (Field::Result, &["办理结果/答复", "办理结果", "答复意见", "办理结果及答复", "解决情况"]),
    (Field::Extension, &["是否延期(新时限)", "是否延期（新时限）", "是否延期", "延期情况"]),
    (Field::Escalation, &["督办等级", "督办情况", "预警等级"]),
    (Field::ResolvedOn, &["办结时间", "办结日期", "完成时间"]),
    (Field::Satisfaction, &["企业评价", "企业满意度", "满意度", "企业满意度评价", "回访情况"]),
    (Field::ClosedOn, &["销号时间", "销号日期"]),
    (Field::Done, &["是否办结", "是否解决", "办结情况", "是否销号"]),
    (Field::Status, &["办理状态", "当前状态", "问题状态", "状态"]),
    (Field::Remarks, &["备注"]),
    (Field::Industry, &["所属行业", "行业", "行业类别", "行业分类"]),
    (Field::Scale, &["企业规模", "规模", "是否规上", "规上/规下"]),
    (Field::KeyLevel, &["重点企业", "重点类别", "是否重点企业", "重点企业类别", "企业类型"]),
    (Field::Address, &["企业地址", "地址", "注册地址", "生产经营地址"]),
    (Field::Phone, &["联系电话", "电话", "手机", "联系方式"]),
    (Field::Steward, &["包联干部", "包联领导", "联系干部", "服务专员", "包挂干部"]),
];

/// A header cell as compared: no spaces or line breaks, brackets normalized.
pub fn normalize_header(cell: &str) -> String {
    cell.chars()
        .filter(|c| !c.is_whitespace() && *c != '*' && *c != '★')
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            c => c,
        })
        .collect()
}

/// The field a header cell names, if any: an exact synonym first, then a synonym with a
/// bracketed note after it ("牵头单位(盖章)").
pub fn field_of(cell: &str) -> Option<Field> {
    let h = normalize_header(cell);
    if h.is_empty() {
        return None;
    }
    for (field, names) in SYNONYMS {
        if names.iter().any(|n| normalize_header(n) == h) {
            return Some(*field);
        }
    }
    let stem = h.split('(').next().unwrap_or(&h);
    if stem != h {
        for (field, names) in SYNONYMS {
            if names.iter().any(|n| normalize_header(n) == stem) {
                return Some(*field);
            }
        }
    }
    None
}

/// Which column holds which field, as found (the user may correct it before import).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeaderMatch {
    /// 0-based row index of the header row.
    pub row: usize,
    /// (column index, field) for every recognized column, left to right; the first column of
    /// a field wins when a sheet repeats it.
    pub columns: Vec<(usize, Field)>,
    /// Header cells no field matched, with their column.
    pub unknown: Vec<(usize, String)>,
}

impl HeaderMatch {
    pub fn column(&self, field: Field) -> Option<usize> {
        self.columns.iter().find(|(_, f)| *f == field).map(|(c, _)| *c)
    }
}

/// The header row is the first, within the first `scan` rows, that names an enterprise or a
/// problem description and at least three ledger fields; title rows ("2026年企业服务年问题
/// 台账") and 填报 lines above it name none.
pub fn find_header(rows: &[Vec<String>], scan: usize) -> Option<HeaderMatch> {
    for (i, row) in rows.iter().take(scan).enumerate() {
        let mut columns: Vec<(usize, Field)> = Vec::new();
        let mut unknown = Vec::new();
        for (c, cell) in row.iter().enumerate() {
            match field_of(cell) {
                Some(f) if !columns.iter().any(|(_, g)| *g == f) => columns.push((c, f)),
                Some(_) => {}
                None if !cell.trim().is_empty() => unknown.push((c, cell.trim().to_string())),
                None => {}
            }
        }
        let anchored = columns.iter().any(|(_, f)| matches!(f, Field::Enterprise | Field::Description));
        if anchored && columns.len() >= 3 {
            return Some(HeaderMatch { row: i, columns, unknown });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn synonyms_of_the_issue_match() {
        for (h, f) in [
            ("牵头单位", Field::LeadUnit),
            ("主办单位", Field::LeadUnit),
            ("责任单位", Field::LeadUnit),
            ("配合单位", Field::SupportUnits),
            ("协办单位", Field::SupportUnits),
            ("存在问题", Field::Description),
            ("问题描述", Field::Description),
            ("困难问题", Field::Description),
            ("诉求", Field::Demand),
            ("所属镇(街道)", Field::Township),
            ("所属镇（街道）", Field::Township),
            ("镇办", Field::Township),
            ("乡镇", Field::Township),
            ("办理时限", Field::TimeLimit),
            ("完成时限", Field::TimeLimit),
            ("企业满意度", Field::Satisfaction),
            ("企业评价", Field::Satisfaction),
            ("是否办结", Field::Done),
            ("办理进展", Field::Progress),
            ("牵头单位\n（主办）", Field::LeadUnit),
            ("企业名称 ", Field::Enterprise),
            ("牵头单位(盖章)", Field::LeadUnit),
        ] {
            assert_eq!(field_of(h), Some(f), "{h:?}");
        }
        assert_eq!(field_of("填报单位：城关街道"), None);
        assert_eq!(field_of(""), None);
    }

    #[test]
    fn the_header_is_found_under_title_and_filing_rows() {
        let rows = vec![
            row(&["2026年示范区企业服务年问题台账", "", "", "", ""]),
            row(&["填报单位：城关街道", "", "", "填报时间：2026年3月31日", ""]),
            row(&[]),
            row(&["序号", "企业名称", "存在问题", "主办单位", "协办单位", "办理时限", "自定义列"]),
            row(&["1", "示范区恒达精密机械有限公司", "用地指标未落实", "区自然资源局", "区工信局", "15个工作日", ""]),
        ];
        let h = find_header(&rows, 20).unwrap();
        assert_eq!(h.row, 3);
        assert_eq!(h.column(Field::Enterprise), Some(1));
        assert_eq!(h.column(Field::LeadUnit), Some(3));
        assert_eq!(h.column(Field::SupportUnits), Some(4));
        assert_eq!(h.column(Field::TimeLimit), Some(5));
        assert_eq!(h.unknown, vec![(6, "自定义列".to_string())]);
    }

    #[test]
    fn a_sheet_without_a_ledger_header_is_not_taken_for_one() {
        let rows = vec![row(&["姓名", "电话", "地址"]), row(&["张三", "138", "城关"])];
        assert_eq!(find_header(&rows, 20), None);
    }
}
