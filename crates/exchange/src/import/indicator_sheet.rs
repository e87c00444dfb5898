//! Reading the layout of a monthly indicator sheet as enterprises fill it: the header (one
//! row, or an indicator row over a 本月 / 1—本月累计 / 上年同期 row, merged cells read as their
//! top-left value), which indicator and which figure each column holds, the unit it is in
//! (per column, or the sheet's "单位：千元"), the month from the title ("2026年3月",
//! "2026年1—3月"), and the numbers as offices type them (full-width digits, thousands
//! separators, "—" for nothing).

use taizhang_core::monitoring::{Amount, IndicatorDef, Month};

/// Which figure of an indicator a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// 本月 / 本期 / 当月
    Value,
    /// 1—本月累计 / 累计 / 本年累计
    Cumulative,
    /// 上年同期 / 同期 (the month)
    LastYear,
}

/// Header names offices use for the default indicators, besides the district's own names.
fn synonyms(key: &str) -> &'static [&'static str] {
    match key {
        "gross_output" => &["工业总产值", "总产值", "工业产值", "产值"],
        "sales_output" => &["工业销售产值", "销售产值"],
        "export_delivery" => &["出口交货值", "出口交货"],
        "revenue" => &["营业收入", "主营业务收入", "营业总收入", "销售收入"],
        "profit" => &["利润总额", "实现利润", "利润"],
        "taxes" => &["税金总额", "实缴税金", "入库税金", "应交税金", "税金", "税收"],
        "electricity" => &["工业用电量", "用电量", "用电", "电量"],
        "employees" => &["平均用工人数", "从业人员平均人数", "用工人数", "从业人员", "职工人数"],
        _ => &[],
    }
}

/// Header text made comparable: no spaces, half-width parentheses, digits and colon, every
/// dash and "至" of a range as "—".
pub fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '：' => ':',
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '-' | '－' | '–' | '~' | '～' | '―' => '—',
            c => c,
        })
        .collect()
}

/// Whether a header names the enterprise (its name), and whether its credit code.
pub fn is_name_header(h: &str) -> bool {
    let h = norm(h);
    ["企业名称", "单位名称", "企业(单位)名称", "单位详细名称", "企业", "名称", "单位"].contains(&h.as_str())
        || h.starts_with("企业名称")
        || h.starts_with("单位名称")
}

pub fn is_code_header(h: &str) -> bool {
    let h = norm(h);
    h.contains("信用代码") || h.contains("组织机构代码")
}

/// What a column's combined header text says: an indicator (its index in the list) and a
/// measure, or a computed column (同比, 产品销售率) to leave alone, or nothing known.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnMeaning {
    Figure {
        indicator: usize,
        measure: Measure,
        unit: Option<String>,
    },
    /// Computed from the figures (同比, 增幅, 产品销售率, 上年同期累计): not read.
    Computed,
    Unknown,
}

/// The units a sheet writes, with their family and scale: 千元 is 1,000 元.
fn unit_scale(unit: &str) -> Option<(&'static str, i128)> {
    Some(match unit {
        "元" => ("money", 1),
        "千元" => ("money", 1_000),
        "万元" => ("money", 10_000),
        "亿元" => ("money", 100_000_000),
        "千瓦时" | "度" | "kWh" | "KWH" => ("energy", 1),
        "万千瓦时" | "万度" => ("energy", 10_000),
        "人" => ("people", 1),
        _ => return None,
    })
}

/// The factor (numerator, denominator) taking a value in `from` to `to`, when they are of
/// one family (千元 → 万元 is 1/10).
pub fn conversion(from: &str, to: &str) -> Option<(i128, i128)> {
    let (fa, fs) = unit_scale(from)?;
    let (ta, ts) = unit_scale(to)?;
    (fa == ta).then_some((fs, ts))
}

/// A unit named in a header: "(千元)", "（万千瓦时）", "单位:千元"; `None` when none is named.
pub fn unit_in(h: &str) -> Option<String> {
    let h = norm(h);
    let mut parts: Vec<String> = Vec::new();
    let mut rest = h.as_str();
    while let Some(open) = rest.find('(') {
        let after = &rest[open + 1..];
        let close = after.find(')').unwrap_or(after.len());
        parts.push(after[..close].to_string());
        rest = &after[(close + 1).min(after.len())..];
    }
    if let Some(i) = h.find("单位:") {
        parts.push(h[i + "单位:".len()..].chars().take_while(|c| *c != ')' && *c != ',' && *c != ';').collect());
    }
    for p in parts {
        let p = p.trim_start_matches("计量单位:").trim_start_matches("单位:").trim_start_matches("金额单位:");
        if unit_scale(p).is_some() {
            return Some(p.to_string());
        }
        // Unit-like but not one we convert (吨, 万美元): named, so the value is refused.
        if !p.is_empty()
            && p.chars().count() <= 4
            && ["元", "吨", "时", "人", "台", "件"].iter().any(|u| p.ends_with(u))
        {
            return Some(p.to_string());
        }
    }
    None
}

/// Reads a column's combined header (the indicator row's text and the sub-header's).
pub fn meaning(text: &str, defs: &[IndicatorDef]) -> ColumnMeaning {
    let h = norm(text);
    if h.is_empty() {
        return ColumnMeaning::Unknown;
    }
    if ["同比", "增长", "增幅", "增减", "%", "±", "销售率", "产销率"].iter().any(|w| h.contains(w)) {
        return ColumnMeaning::Computed;
    }
    // The longest name any indicator is known by wins: 工业销售产值 before 产值.
    let mut best: Option<(usize, usize)> = None;
    for (i, d) in defs.iter().enumerate() {
        let own = [d.name.as_str()];
        for name in own.iter().chain(synonyms(&d.key).iter()) {
            let n = norm(name);
            if !n.is_empty() && h.contains(&n) && best.is_none_or(|(_, len)| n.chars().count() > len) {
                best = Some((i, n.chars().count()));
            }
        }
    }
    let Some((indicator, _)) = best else { return ColumnMeaning::Unknown };
    let last_year = ["上年", "去年", "同期"].iter().any(|w| h.contains(w));
    let cumulative = ["累计", "1—", "本年", "年初至"].iter().any(|w| h.contains(w));
    let measure = match (last_year, cumulative) {
        (true, true) => return ColumnMeaning::Computed,
        (true, false) => Measure::LastYear,
        (false, true) => Measure::Cumulative,
        (false, false) => Measure::Value,
    };
    ColumnMeaning::Figure { indicator, measure, unit: unit_in(text) }
}

/// Whether a sub-header cell says which figure (本月, 累计, 上年同期, 同比…).
pub fn is_measure_word(text: &str) -> bool {
    let h = norm(text);
    !h.is_empty()
        && ["本月", "本期", "当月", "累计", "1—", "上年", "去年", "同期", "同比", "增长", "增幅", "%"]
            .iter()
            .any(|w| h.contains(w))
}

/// The month a title names: "2026年3月" → 2026-03; "2026年1—3月" (a cumulative form) → 2026-03;
/// "2026-03" after "月份:".
pub fn month_in(text: &str) -> Option<Month> {
    let h = norm(text);
    let chars: Vec<char> = h.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if *c != '年' || i < 4 {
            continue;
        }
        let year: String = chars[i - 4..i].iter().collect();
        let Ok(year) = year.parse::<i32>() else { continue };
        let rest: String = chars[i + 1..].iter().collect();
        let Some(end) = rest.find('月') else { continue };
        let span = &rest[..end];
        let last = span.rsplit('—').next().unwrap_or(span);
        if let Ok(m) = last.parse::<u32>() {
            if let Ok(month) = Month::new(year, m) {
                return Some(month);
            }
        }
    }
    if let Some(i) = h.find("月份:") {
        let t: String = h[i + "月份:".len()..].chars().take(7).collect();
        return Month::parse(&t.replace('—', "-")).ok();
    }
    None
}

/// The sheet's unit for money ("单位：千元" in a title or 填报 line), if it names one.
pub fn sheet_unit(text: &str) -> Option<String> {
    let h = norm(text);
    // "填报单位:城关街道 单位:千元": the unit is whichever "单位:" is followed by one.
    h.match_indices("单位:").find_map(|(i, k)| {
        let after = &h[i + k.len()..];
        ["亿元", "万元", "千元", "元"].iter().find(|u| after.starts_with(**u)).map(|u| u.to_string())
    })
}

/// A number as typed: `Ok(None)` for a blank or "—"; else the value in hundredths of `to`
/// after converting by `factor`, and whether it had to be rounded to two decimals.
pub fn parse_figure(text: &str, factor: (i128, i128)) -> Result<Option<(Amount, bool)>, ()> {
    let t: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '，') && !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' => '.',
            '－' | '−' => '-',
            '＋' => '+',
            c => c,
        })
        .collect();
    if t.is_empty() || ["—", "-", "——", "/", "无", "－"].contains(&t.as_str()) {
        return Ok(None);
    }
    let (negative, digits) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(&t)),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let all = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || !all(whole) || !all(frac) || whole.len() > 15 {
        return Err(());
    }
    // Float noise from a formula ("0.30000000000000004") is not a typed figure's precision.
    let noise = frac.len() > 6;
    let frac = &frac[..frac.len().min(12)];
    let scale = 10i128.pow(frac.len() as u32);
    let mantissa: i128 = format!("{whole}{frac}").parse().map_err(|_| ())?;
    // value × 100 (hundredths) × num / (den × 10^scale), rounded half away from zero.
    let (num, den) = factor;
    let n = mantissa * 100 * num;
    let d = den * scale;
    let q = (2 * n + d) / (2 * d);
    let rounded = q * d != n && !noise;
    let v = i64::try_from(q).map_err(|_| ())?;
    Ok(Some((Amount(if negative { -v } else { v }), rounded)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use taizhang_core::monitoring::indicators::default_indicators;

    fn fig(text: &str) -> (usize, Measure, Option<String>) {
        match meaning(text, &default_indicators()) {
            ColumnMeaning::Figure { indicator, measure, unit } => (indicator, measure, unit),
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn headers_name_the_indicator_the_figure_and_the_unit() {
        assert_eq!(fig("工业总产值(当年价格)本月"), (0, Measure::Value, None));
        assert_eq!(fig("总产值（千元）1－本月"), (0, Measure::Cumulative, Some("千元".into())));
        assert_eq!(fig("工业销售产值 上年同期"), (1, Measure::LastYear, None));
        assert_eq!(fig("其中：出口交货值当月"), (2, Measure::Value, None));
        assert_eq!(fig("用电量(万千瓦时)本年累计"), (6, Measure::Cumulative, Some("万千瓦时".into())));
        assert_eq!(fig("主营业务收入"), (3, Measure::Value, None));
        assert_eq!(fig("工业总产值（吨）"), (0, Measure::Value, Some("吨".into())));
        let defs = default_indicators();
        assert_eq!(meaning("工业总产值同比%", &defs), ColumnMeaning::Computed);
        assert_eq!(meaning("产品销售率", &defs), ColumnMeaning::Computed);
        assert_eq!(meaning("上年同期累计 工业总产值", &defs), ColumnMeaning::Computed);
        assert_eq!(meaning("联系电话", &defs), ColumnMeaning::Unknown);
    }

    #[test]
    fn months_and_units_from_titles() {
        assert_eq!(month_in("示范区重点企业主要经济指标月报（2026年3月）"), Some(Month::new(2026, 3).unwrap()));
        assert_eq!(month_in("２０２６年１－３月"), Some(Month::new(2026, 3).unwrap()));
        assert_eq!(month_in("填报月份：2026-11"), Some(Month::new(2026, 11).unwrap()));
        assert_eq!(month_in("重点企业月报"), None);
        assert_eq!(sheet_unit("填报单位：城关街道　　　单位：千元"), Some("千元".into()));
        assert_eq!(sheet_unit("金额单位：万元"), Some("万元".into()));
        assert_eq!(conversion("千元", "万元"), Some((1_000, 10_000)));
        assert_eq!(conversion("千瓦时", "万元"), None);
    }

    #[test]
    fn figures_as_typed() {
        let same = (1, 1);
        assert_eq!(parse_figure("１２，３４５．６", same), Ok(Some((Amount(1_234_560), false))));
        assert_eq!(parse_figure(" -3 ", same), Ok(Some((Amount(-300), false))));
        assert_eq!(parse_figure("—", same), Ok(None));
        assert_eq!(parse_figure("", same), Ok(None));
        assert_eq!(parse_figure("12a", same), Err(()));
        // 千元 → 万元: 12,345 千元 is 1,234.5 万元; 12,345.67 千元 rounds to 1,234.57.
        assert_eq!(parse_figure("12,345", (1_000, 10_000)), Ok(Some((Amount(123_450), false))));
        assert_eq!(parse_figure("12345.67", (1_000, 10_000)), Ok(Some((Amount(123_457), true))));
        assert_eq!(parse_figure("0.30000000000000004", same), Ok(Some((Amount(30), false))));
    }
}
