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
    PairedLeader,
    // Visit sheets (走访记录): the visit date is `RaisedOn` (走访日期, 走访时间).
    Visitors,
    VisitForm,
    VisitNotes,
    Priority,
}

/// Header names seen in published tables (domain-notes), most specific first. Matching
/// ignores spaces, line breaks and bracketed notes, so "牵头单位\n（主办）" still matches.
const SYNONYMS: &[(Field, &[&str])] = &[
    (Field::SerialNo, &["序号", "编号序号"]),
    (Field::Number, &["问题编号", "台账编号", "工单编号", "编号"]),
    (Field::CreditCode, &["统一社会信用代码", "信用代码", "社会信用代码"]),
    (
        Field::Enterprise,
        &[
            "企业名称",
            "企业",
            "单位名称",
            "企业全称",
            "诉求企业",
            "公司名称",
            "市场主体名称",
            "经营主体名称",
            "走访企业",
            "涉及企业",
            "企业名",
        ],
    ),
    (
        Field::Township,
        &[
            "所属镇街",
            "所属镇(街道)",
            "所属镇（街道）",
            "所属镇街道",
            "镇街",
            "镇办",
            "乡镇",
            "镇(街道)",
            "镇(街)",
            "属地",
            "街道",
            "镇街道",
            "乡镇街道",
            "属地镇街",
            "属地乡镇",
        ],
    ),
    (Field::Contact, &["企业联系人/电话", "企业联系人", "联系人及电话", "联系人"]),
    (Field::Source, &["问题来源", "来源", "诉求来源"]),
    (
        Field::Category,
        &[
            "问题类别",
            "问题类型",
            "类别",
            "诉求类型",
            "诉求类别",
            "问题分类",
            "诉求分类",
            "分类",
            "问题领域",
            "问题性质",
            "所属类别",
            "问题所属类别",
            "问题所属领域",
            "事项类别",
            "事项分类",
            "问题归类",
        ],
    ),
    (
        Field::Description,
        &[
            "问题描述",
            "存在问题",
            "困难问题",
            "存在的问题",
            "问题内容",
            "问题及诉求",
            "反映问题",
            "问题",
            "困难",
            "问题诉求",
            "困难和问题",
        ],
    ),
    (Field::Demand, &["企业诉求", "诉求", "具体诉求", "企业诉求内容", "需求", "意见诉求", "诉求意见", "诉求建议"]),
    (
        Field::RaisedOn,
        &[
            "提出时间",
            "反映时间",
            "收集时间",
            "走访时间",
            "登记时间",
            "提出日期",
            "反映日期",
            "收集日期",
            "走访日期",
            "登记日期",
            "诉求时间",
            "诉求提出时间",
            "问题提出时间",
            "问题反映时间",
            "问题收集时间",
            "问题登记时间",
            "受理时间",
            "受理日期",
            "发现时间",
            "提交时间",
            "上报时间",
            "上报日期",
            "走访收集时间",
        ],
    ),
    (Field::AssignedOn, &["交办时间", "交办日期"]),
    (
        Field::LeadUnit,
        &[
            "牵头单位",
            "主办单位",
            "责任单位",
            "牵头(主办)单位",
            "牵头（主办）单位",
            "承办单位",
            "牵头责任单位",
            "责任部门",
            "牵头部门",
            "主办部门",
            "承办部门",
            "办理单位",
            "主责单位",
            "主责部门",
            "牵头处理单位",
            "牵头办理单位",
            "负责单位",
            "负责部门",
            "首办单位",
        ],
    ),
    (
        Field::SupportUnits,
        &[
            "配合单位",
            "协办单位",
            "配合(协办)单位",
            "配合（协办）单位",
            "配合部门",
            "协办部门",
            "协同单位",
            "协助单位",
            "参与单位",
            "配合协办单位",
            "协同配合单位",
            "协作单位",
            "联办单位",
            "会办单位",
            "配合责任单位",
        ],
    ),
    (Field::ResponsibleLeader, &["责任领导", "包案领导", "分管领导"]),
    (
        Field::Handler,
        &["责任人", "承办人", "经办人", "承办人员", "经办人员", "承办责任人", "责任人员", "办理人", "承办联系人"],
    ),
    (
        Field::TimeLimit,
        &[
            "办理时限",
            "完成时限",
            "办结时限",
            "时限",
            "办理期限",
            "完成期限",
            "办结期限",
            "期限",
            "整改时限",
            "整改期限",
            "解决时限",
            "承诺办结时限",
            "承诺时限",
            "计划完成时间",
            "计划完成时限",
            "预计完成时间",
            "要求完成时间",
            "要求办结时间",
            "办结时间要求",
            "时限要求",
            "完成时限要求",
            "最迟完成时间",
            "截止时间",
            "截止日期",
            "办理截止时间",
            "目标完成时间",
        ],
    ),
    (Field::SignedOn, &["签收时间", "签收日期"]),
    (
        Field::Progress,
        &[
            "办理进展",
            "进展情况",
            "推进情况",
            "办理情况",
            "工作进展",
            "进展",
            "办理进度",
            "进度",
            "推进进度",
            "工作推进情况",
            "落实情况",
            "整改情况",
            "整改进展",
            "推进落实情况",
            "办理推进情况",
            "阶段性进展",
            "落实进展",
            "工作进度",
        ],
    ),
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
    (Field::Steward, &["包联干部", "联系干部", "服务专员", "包挂干部"]),
    (Field::PairedLeader, &["包联领导", "联系领导", "挂点领导", "包联区领导", "包挂领导"]),
    (Field::Visitors, &["走访人", "走访人员", "走访干部", "走访领导", "走访组成员", "参与走访人员", "走访责任人"]),
    (Field::VisitForm, &["走访方式", "走访形式", "服务方式"]),
    (Field::VisitNotes, &["走访情况", "走访记录", "走访内容", "走访情况记录"]),
    (Field::Priority, &["紧急程度", "缓急程度", "优先级", "轻重缓急"]),
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

/// How a column's header was matched to its field, as the preview shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// The header is one of the field's names (a bracketed note after it aside).
    Exact,
    /// The header is one of the field's names once qualifiers in front (具体、主要、企业…) and
    /// suffixes behind (情况、内容、说明…) are set aside: "主要承办人", "推进情况说明".
    Meaning,
    /// Two field names in one header ("问题及诉求" forms): mapped to the main one.
    Compound,
    /// The user chose it (the wizard's column list, or `--column`).
    ByHand,
}

/// What a header cell says: the field, how it was found, and for a compound the other field
/// it names. `score` ranks candidates when several columns could hold one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderGuess {
    pub field: Field,
    pub kind: MatchKind,
    pub also: Option<Field>,
    pub score: u32,
}

/// Words put in front of a field's name that do not change what it names ("主要承办人",
/// "企业诉求", "存在的问题", "目前进展"). Longest first, so "存在" goes before "存".
const QUALIFIERS: &[&str] = &[
    "具体",
    "主要",
    "企业",
    "存在",
    "目前",
    "当前",
    "最新",
    "相关",
    "所属",
    "所在",
    "实际",
    "反映",
    "反馈",
    "提出",
    "诉求企业",
    "区级",
    "县级",
    "市级",
    "其他",
    "部门",
    "单位",
    "直接",
    "填报",
    "责任",
    "该",
    "现",
];

/// Words put behind a field's name that do not change it ("推进情况说明", "诉求内容", "问题描述").
const SUFFIXES: &[&str] = &[
    "具体情况",
    "具体内容",
    "情况说明",
    "情况",
    "内容",
    "说明",
    "事项",
    "描述",
    "详情",
    "概述",
    "简述",
    "简要",
    "明细",
    "名称",
    "姓名",
];

/// What a qualifier may not be stripped down to: alone these name nothing ("企业名称" is not
/// "名称", "提出时间" is not "时间").
const GENERIC: &[&str] = &[
    "时间",
    "日期",
    "单位",
    "部门",
    "名称",
    "情况",
    "内容",
    "类型",
    "类别",
    "编号",
    "来源",
    "电话",
    "地址",
    "规模",
    "人",
    "领导",
    "等级",
    "负责人",
    "方式",
    "要求",
    "全称",
    "人员",
];

/// Joins between two field names in one header.
const JOINS: &[&str] = &["以及", "及其", "及", "和", "与", "暨", "/", "／", "、", "+", "＋", "&"];

/// A header with its bracketed notes, colons and "的" taken out: "存在的问题（必填）" → "存在问题".
fn without_notes(h: &str) -> String {
    let mut out = String::new();
    let mut depth = 0u32;
    for c in normalize_header(h).chars() {
        match c {
            '(' | '[' | '【' | '〔' | '<' | '《' => depth += 1,
            ')' | ']' | '】' | '〕' | '>' | '》' => depth = depth.saturating_sub(1),
            '的' | ':' | '：' | '"' | '“' | '”' if depth == 0 => {}
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The name a header comes down to once qualifiers and suffixes are set aside.
pub fn header_core(h: &str) -> String {
    let mut s = without_notes(h);
    loop {
        let before = s.clone();
        // Suffixes first: "责任人姓名" is 责任人, not 责任 + "人姓名".
        for x in SUFFIXES {
            if let Some(rest) = s.strip_suffix(x) {
                if rest.chars().count() >= 2 && !GENERIC.contains(&rest) {
                    s = rest.to_string();
                    break;
                }
            }
        }
        for q in QUALIFIERS {
            if let Some(rest) = s.strip_prefix(q) {
                if rest.chars().count() >= 2 && !GENERIC.contains(&rest) {
                    s = rest.to_string();
                    break;
                }
            }
        }
        if s == before {
            return s;
        }
    }
}

fn exact_field(h: &str) -> Option<Field> {
    let n = normalize_header(h);
    if n.is_empty() {
        return None;
    }
    for (field, names) in SYNONYMS {
        if names.iter().any(|s| normalize_header(s) == n) {
            return Some(*field);
        }
    }
    // A name with a bracketed note after it ("牵头单位(盖章)").
    let stem = n.split('(').next().unwrap_or(&n);
    if stem != n && !stem.is_empty() {
        for (field, names) in SYNONYMS {
            if names.iter().any(|s| normalize_header(s) == stem) {
                return Some(*field);
            }
        }
    }
    None
}

fn meaning_field(h: &str) -> Option<Field> {
    let core = header_core(h);
    if core.chars().count() < 2 {
        return None;
    }
    SYNONYMS.iter().find(|(_, names)| names.iter().any(|s| header_core(s) == core)).map(|(f, _)| *f)
}

/// The fields a compound header names, left to right. A part that names nothing alone may
/// share the last part's ending ("牵头及配合单位": 牵头 + 单位).
fn compound_fields(h: &str) -> Vec<Field> {
    let mut parts: Vec<String> = vec![without_notes(h)];
    for j in JOINS {
        parts = parts.iter().flat_map(|p| p.split(j).map(str::to_string).collect::<Vec<_>>()).collect();
    }
    parts.retain(|p| !p.is_empty());
    if parts.len() < 2 {
        return Vec::new();
    }
    let last = parts.last().cloned().unwrap_or_default();
    let tail: String = last.chars().rev().take(2).collect::<Vec<_>>().into_iter().rev().collect();
    let mut fields = Vec::new();
    for p in &parts {
        let found = exact_field(p).or_else(|| meaning_field(p)).or_else(|| {
            let joined = format!("{p}{tail}");
            (joined != *p).then(|| exact_field(&joined).or_else(|| meaning_field(&joined))).flatten()
        });
        if let Some(f) = found {
            if !fields.contains(&f) {
                fields.push(f);
            }
        }
    }
    fields
}

/// The field a header cell names and how: an exact name first, then by meaning, then a
/// compound of field names (mapped to the problem description, else the enterprise, when it
/// names one, else to the first it names).
pub fn match_header(cell: &str) -> Option<HeaderGuess> {
    if let Some(field) = exact_field(cell) {
        return Some(HeaderGuess { field, kind: MatchKind::Exact, also: None, score: 300 });
    }
    if let Some(field) = meaning_field(cell) {
        return Some(HeaderGuess { field, kind: MatchKind::Meaning, also: None, score: 200 });
    }
    let fields = compound_fields(cell);
    // The problem, then the enterprise, is what a ledger row is about; else the first named.
    let main = [Field::Description, Field::Enterprise]
        .into_iter()
        .find(|f| fields.contains(f))
        .or_else(|| fields.first().copied())?;
    let also = fields.iter().copied().find(|f| *f != main);
    Some(HeaderGuess { field: main, kind: MatchKind::Compound, also, score: 100 })
}

/// The field a header cell names, if any (see `match_header`).
pub fn field_of(cell: &str) -> Option<Field> {
    match_header(cell).map(|g| g.field)
}

/// A field a header only resembles (it contains one of the field's names, or its core does):
/// never mapped by itself, offered as a suggestion for a column that is not imported.
pub fn resemblance(cell: &str) -> Option<Field> {
    let h = without_notes(cell);
    let core = header_core(cell);
    let mut best: Option<(usize, Field)> = None;
    for (field, names) in SYNONYMS {
        for s in names.iter() {
            for name in [normalize_header(s), header_core(s)] {
                let len = name.chars().count();
                if len >= 2
                    && !GENERIC.contains(&name.as_str())
                    && (h.contains(&name) || core.contains(&name))
                    && best.is_none_or(|(l, _)| len > l)
                {
                    best = Some((len, *field));
                }
            }
        }
    }
    best.map(|(_, f)| f)
}

/// Which column holds which field, as found (the user may correct it before import).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeaderMatch {
    /// 0-based row index of the header row.
    pub row: usize,
    /// (column index, field) for every recognized column, left to right. When several columns
    /// name one field the best match wins (exact over meaning over compound), then the first.
    pub columns: Vec<(usize, Field)>,
    /// How each column in `columns` was matched, and the other field a compound names.
    pub kinds: Vec<(usize, MatchKind, Option<Field>)>,
    /// Columns whose header names a field another column holds with a better match.
    pub passed_over: Vec<(usize, Field)>,
    /// Header cells no field matched, with their column.
    pub unknown: Vec<(usize, String)>,
}

impl HeaderMatch {
    pub fn column(&self, field: Field) -> Option<usize> {
        self.columns.iter().find(|(_, f)| *f == field).map(|(c, _)| *c)
    }

    pub fn kind(&self, column: usize) -> Option<(MatchKind, Option<Field>)> {
        self.kinds.iter().find(|(c, _, _)| *c == column).map(|(_, k, a)| (*k, *a))
    }

    /// The user's choice for a column: it holds `field` (or nothing), and the field leaves any
    /// other column.
    pub fn choose(&mut self, column: usize, field: Option<Field>) {
        let displaced: Vec<(usize, Field)> =
            self.columns.iter().copied().filter(|(c, f)| *c != column && Some(*f) == field).collect();
        self.columns.retain(|(c, f)| *c != column && Some(*f) != field);
        self.kinds.retain(|(c, _, _)| *c != column && !displaced.iter().any(|(d, _)| d == c));
        self.passed_over.retain(|(c, _)| *c != column);
        self.passed_over.extend(displaced);
        if let Some(f) = field {
            self.columns.push((column, f));
            self.kinds.push((column, MatchKind::ByHand, None));
        }
        self.columns.sort();
        self.kinds.sort();
        self.passed_over.sort();
    }
}

/// Reads one row as a header: every cell matched, and each field given to its best column.
pub fn header_at(rows: &[Vec<String>], row: usize) -> HeaderMatch {
    let mut best: Vec<(Field, usize, HeaderGuess)> = Vec::new();
    let mut passed_over = Vec::new();
    let mut unknown = Vec::new();
    for (c, cell) in rows.get(row).map(|r| r.as_slice()).unwrap_or(&[]).iter().enumerate() {
        match match_header(cell) {
            Some(g) => match best.iter_mut().find(|(f, _, _)| *f == g.field) {
                Some(held) if g.score > held.2.score => {
                    passed_over.push((held.1, g.field));
                    *held = (g.field, c, g);
                }
                Some(_) => passed_over.push((c, g.field)),
                None => best.push((g.field, c, g)),
            },
            None if !cell.trim().is_empty() => unknown.push((c, cell.trim().to_string())),
            None => {}
        }
    }
    let mut columns: Vec<(usize, Field)> = best.iter().map(|(f, c, _)| (*c, *f)).collect();
    let mut kinds: Vec<(usize, MatchKind, Option<Field>)> = best.iter().map(|(_, c, g)| (*c, g.kind, g.also)).collect();
    columns.sort();
    kinds.sort();
    passed_over.sort();
    HeaderMatch { row, columns, kinds, passed_over, unknown }
}

/// The header row is the first, within the first `scan` rows, that names an enterprise or a
/// problem description and at least three ledger fields; title rows ("2026年企业服务年问题
/// 台账") and 填报 lines above it name none.
pub fn find_header(rows: &[Vec<String>], scan: usize) -> Option<HeaderMatch> {
    (0..rows.len().min(scan)).map(|i| header_at(rows, i)).find(|h| {
        let anchored = h.columns.iter().any(|(_, f)| matches!(f, Field::Enterprise | Field::Description));
        anchored && h.columns.len() >= 3
    })
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
    fn no_name_comes_down_to_the_core_of_two_fields() {
        let mut owner: std::collections::BTreeMap<String, Field> = Default::default();
        for (field, names) in SYNONYMS {
            for n in names.iter() {
                let core = header_core(n);
                if let Some(other) = owner.insert(core.clone(), *field) {
                    assert_eq!(other, *field, "{n:?} comes down to {core:?}, which {other:?} also has");
                }
            }
        }
    }

    #[test]
    fn the_best_column_wins_and_the_others_are_passed_over() {
        // Two columns could hold the progress: the exact name wins over the one by meaning,
        // wherever it stands; an exact tie goes to the first.
        let rows = vec![row(&["企业名称", "问题描述", "最新进展", "办理进展", "承办单位", "牵头单位"])];
        let h = header_at(&rows, 0);
        assert_eq!(h.column(Field::Progress), Some(3));
        assert_eq!(h.kind(3), Some((MatchKind::Exact, None)));
        assert_eq!(h.column(Field::LeadUnit), Some(4));
        assert_eq!(h.passed_over, vec![(2, Field::Progress), (5, Field::LeadUnit)]);

        // A compound header gives way to a column that holds its field by name.
        let rows = vec![row(&["企业名称", "问题及诉求说明", "存在问题"])];
        let h = header_at(&rows, 0);
        assert_eq!(h.column(Field::Description), Some(2));
        assert_eq!(h.passed_over, vec![(1, Field::Description)]);
    }

    #[test]
    fn a_choice_by_hand_moves_a_field_and_says_so() {
        let rows = vec![row(&["企业名称", "问题描述", "主要承办人", "备注"])];
        let mut h = header_at(&rows, 0);
        assert_eq!(h.kind(2), Some((MatchKind::Meaning, None)));
        h.choose(3, Some(Field::Handler));
        assert_eq!(h.column(Field::Handler), Some(3));
        assert_eq!(h.kind(3), Some((MatchKind::ByHand, None)));
        assert_eq!(h.kind(2), None);
        assert_eq!(h.passed_over, vec![(2, Field::Handler)]);
        h.choose(1, None);
        assert_eq!(h.column(Field::Description), None);
    }

    #[test]
    fn resemblance_is_only_a_suggestion() {
        assert_eq!(field_of("问题整改责任人签字"), None);
        assert_eq!(resemblance("问题整改责任人签字"), Some(Field::Handler));
        assert_eq!(resemblance("法定代表人"), None);
    }

    #[test]
    fn a_sheet_without_a_ledger_header_is_not_taken_for_one() {
        let rows = vec![row(&["姓名", "电话", "地址"]), row(&["张三", "138", "城关"])];
        assert_eq!(find_header(&rows, 20), None);
    }
}
