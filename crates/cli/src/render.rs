//! Human-readable output: aligned tables that count CJK characters as two columns.

use taizhang_core::escalation::Lateness;
use taizhang_core::figures::Scorecard;
use taizhang_core::Escalation;
use taizhang_ledger::{ProblemDetail, ProblemRow};
use unicode_width::UnicodeWidthStr;

/// A result: as pretty JSON with `--json`, else the human-readable text `human` makes (made
/// only then), passed through `terminal_safe`.
pub fn print<T: serde::Serialize>(json: bool, value: &T, human: impl FnOnce() -> String) {
    if json {
        println!("{}", serde_json::to_string_pretty(value).expect("serializable"));
    } else {
        print!("{}", terminal_safe(&human()));
    }
}

/// Text from the ledger (or a file) made safe to print on a terminal, on one line: control
/// characters (ESC, BEL, CR, LF, TAB, DEL, the C1 set) and invisible format characters (bidi
/// overrides and isolates, zero-width characters: `taizhang_core::text::is_invisible`) become
/// visible escapes (`\n`, `\r`, `\t`, `\u{1b}`, `\u{202e}`). Stored text then cannot clear
/// the screen, retitle the window, reorder a line, or start a line of its own that reads as
/// output (a fake `状态：已销号`). Every human-readable output passes stored text through it.
pub fn escape(s: &str) -> String {
    if !s.chars().any(needs_escape) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        push_escaped(&mut out, c);
    }
    out
}

fn needs_escape(c: char) -> bool {
    c.is_control() || taizhang_core::text::is_invisible(c)
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if needs_escape(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        c => out.push(c),
    }
}

/// A whole output made safe, keeping its own line breaks: the last guard, at the point where
/// text is printed, for anything a field-level `escape` did not see (a path, a device id read
/// from a damaged file).
pub fn terminal_safe(s: &str) -> String {
    if !s.chars().any(|c| c != '\n' && needs_escape(c)) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c == '\n' {
            out.push(c);
        } else {
            push_escaped(&mut out, c);
        }
    }
    out
}

/// An aligned table; every header and cell is `escape`d.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let headers: Vec<String> = headers.iter().map(|h| escape(h)).collect();
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    let rows: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(|c| escape(c)).collect()).collect();
    let headers = headers.as_slice();
    let rows = rows.as_slice();
    let cols = headers.len();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.width()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate().take(cols) {
            widths[i] = widths[i].max(c.width());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            s.push_str(c);
            if i + 1 < cells.len() {
                s.push_str(&" ".repeat(widths[i] - c.width() + 2));
            }
        }
        s.trim_end().to_string()
    };
    let mut out = line(headers.to_vec());
    out.push('\n');
    out.push_str(&line(widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>().iter().map(|s| s.as_str()).collect()));
    out.push('\n');
    for r in rows {
        out.push_str(&line(r.iter().map(|s| s.as_str()).collect()));
        out.push('\n');
    }
    out
}

/// Cuts long text for a table cell.
pub fn clip(s: &str, max_width: usize) -> String {
    let one_line = escape(s);
    if one_line.width() <= max_width {
        return one_line;
    }
    let mut out = String::new();
    for c in one_line.chars() {
        if (out.clone() + &c.to_string()).width() + 1 > max_width {
            break;
        }
        out.push(c);
    }
    out + "…"
}

pub fn lateness(l: &Lateness) -> String {
    let mut s = match l.level {
        Escalation::None => String::new(),
        e => e.label_zh().to_string(),
    };
    if l.sign_overdue {
        s.push_str(" 超期未签收");
    }
    if l.handling_overdue {
        s.push_str(&format!(" 超期{}个工作日", l.days_overdue));
    } else if let Some(left) = l.days_left {
        s.push_str(&format!(" 剩{left}个工作日"));
    }
    s.trim().to_string()
}

pub fn problem_rows(rows: &[ProblemRow]) -> String {
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.number.clone(),
                clip(&r.enterprise_name, 24),
                r.township_name.clone(),
                r.category.clone(),
                r.status.label_zh().to_string(),
                r.responsible_leader.clone(),
                r.lead_unit_name.clone().unwrap_or_default(),
                r.handler.clone().unwrap_or_default(),
                r.handling_deadline.map(|d| d.to_string()).unwrap_or_default(),
                lateness(&r.lateness),
                clip(&r.description, 30),
            ]
        })
        .collect();
    table(
        &["编号", "企业", "镇街", "类别", "状态", "负责领导", "牵头单位", "承办人", "办理时限", "督办", "问题"],
        &body,
    )
}

fn pct(r: Option<f64>) -> String {
    r.map(|x| format!("{:.1}%", x * 100.0)).unwrap_or_else(|| "—".into())
}

pub fn scorecard(s: &Scorecard) -> String {
    let mut out = format!(
        "{} 考核排名（{} 至 {}），生成于 {}\n最低样本量 {} 件：不足者列出但不排名。\n\n",
        s.period.label,
        s.period.start,
        s.period.end,
        s.generated_at.with_timezone(&taizhang_core::china_offset()).format("%Y-%m-%d %H:%M"),
        s.min_sample
    );
    let m = &s.summary;
    out.push_str(&format!(
        "概况：登记 {}，交办 {}，办结 {}，销号 {}；当前在办 {}，当前超期 {}\n\n部门（牵头）\n",
        m.registered, m.assigned, m.resolved, m.closed, m.open_now, m.overdue_now
    ));
    let rows: Vec<Vec<String>> = s
        .departments
        .iter()
        .map(|d| {
            let f = &d.lead;
            vec![
                d.rank.map(|r| r.to_string()).unwrap_or_else(|| "不排名".into()),
                d.unit_name.clone(),
                f.assigned.to_string(),
                pct(f.sign_rate),
                format!("{}/{}", f.resolved_on_time, f.resolved),
                pct(f.on_time_rate),
                pct(f.resolution_rate),
                pct(f.satisfaction_rate),
                f.overdue_now.to_string(),
                format!("{}/{}", f.red_now, f.yellow_now),
                format!("{}/{}", f.returns_made, f.returns_upheld),
                format!("{}/{}", f.extensions_asked, f.extensions_granted),
                f.reopened.to_string(),
                f.avg_days_to_resolve.map(|x| format!("{x:.1}")).unwrap_or_else(|| "—".into()),
                d.score.map(|x| format!("{x:.2}")).unwrap_or_else(|| "—".into()),
            ]
        })
        .collect();
    out.push_str(&table(
        &[
            "名次",
            "单位",
            "交办",
            "及时签收率",
            "按期/办结",
            "按期办结率",
            "解决率",
            "满意率",
            "当前超期",
            "红牌/黄牌",
            "退回/维持",
            "延期申请/批准",
            "重办",
            "平均办理工作日",
            "综合得分",
        ],
        &rows,
    ));
    out.push_str("\n部门（配合）\n");
    let rows: Vec<Vec<String>> = s
        .departments
        .iter()
        .filter(|d| d.support.tasks > 0 || d.support.opinions > 0 || d.support.overdue_now > 0)
        .map(|d| {
            let f = &d.support;
            vec![
                d.unit_name.clone(),
                f.tasks.to_string(),
                f.opinions.to_string(),
                pct(f.on_time_rate),
                f.overdue_now.to_string(),
            ]
        })
        .collect();
    out.push_str(&table(&["单位", "配合任务", "提交意见", "按时率", "当前超期"], &rows));
    out.push_str("\n镇街\n");
    let rows: Vec<Vec<String>> = s
        .townships
        .iter()
        .map(|t| {
            vec![
                t.unit_name.clone(),
                t.visits.to_string(),
                format!("{}/{}", t.key_enterprises_visited, t.key_enterprises),
                pct(t.coverage_rate),
                t.problems_registered.to_string(),
                t.resolved_locally.to_string(),
                t.callbacks.to_string(),
                format!("{}/{}", t.red_now, t.yellow_now),
            ]
        })
        .collect();
    out.push_str(&table(
        &["镇街", "走访次数", "重点企业走访/总数", "走访覆盖率", "登记问题", "就地解决", "回访", "红牌/黄牌"],
        &rows,
    ));
    out
}

pub fn detail(d: &ProblemDetail) -> String {
    let p = &d.problem;
    let mut out = String::new();
    let mut kv = |k: &str, v: String| out.push_str(&format!("{k}：{}\n", escape(&v)));
    kv("编号", p.number.clone());
    kv("状态", p.status.label_zh().into());
    kv(
        "企业",
        format!("{}（{}）", d.enterprise.name, d.enterprise.credit_code.clone().unwrap_or_else(|| "无信用代码".into())),
    );
    kv("镇街", d.township_name.clone());
    kv("来源 / 类别 / 紧急程度", format!("{} / {} / {}", p.source.label_zh(), p.category, p.priority.label_zh()));
    kv("问题描述", p.description.clone());
    kv("企业诉求", p.demand.clone());
    kv("提出时间", p.raised_on.to_string());
    if !p.responsible_leader.is_empty() {
        kv("责任领导", p.responsible_leader.clone());
    }
    if let Some(a) = &p.assignment {
        kv("牵头单位", format!("{}（承办人：{}）", d.lead_unit_name.clone().unwrap_or_default(), a.handler));
        kv(
            "签收时限 / 办理时限",
            format!("{} / {}（原时限 {}）", a.sign_deadline, a.handling_deadline, a.original_deadline),
        );
    }
    for s in &d.supporters {
        let state = match (&s.opinion, &s.waived_reason) {
            (Some(o), _) => format!("意见：{o}"),
            (None, Some(w)) => format!("免予意见：{w}"),
            _ if s.overdue => "超期未提交意见".into(),
            _ => "待提交意见".into(),
        };
        kv("配合单位", format!("{}（时限 {}）{}", s.unit_name, s.sub_deadline, state));
    }
    let late = lateness(&d.lateness);
    if !late.is_empty() {
        kv("督办", late);
    }
    out.push_str("\n办理过程\n");
    for e in &d.timeline {
        let (kind, payload) = e.event.to_parts();
        let when = chrono::DateTime::parse_from_rfc3339(&e.occurred_at)
            .map(|t| t.with_timezone(&taizhang_core::china_offset()).format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_else(|_| e.occurred_at.clone());
        out.push_str(&format!(
            "  {}  {}（{}）  {}  {}\n",
            escape(&when),
            escape(&e.actor_name),
            escape(&e.actor_unit),
            escape(&kind),
            clip(&payload.to_string(), 100)
        ));
        for f in e.event.attachments() {
            out.push_str(&format!(
                "      附件：{}（{}，{} 字节，{}）\n",
                escape(&f.name),
                escape(&f.media_type),
                f.size,
                escape(&f.sha256[..f.sha256.len().min(12)])
            ));
        }
    }
    if !d.actions.is_empty() {
        out.push_str("\n可执行操作\n");
        for a in &d.actions {
            let why = a.error.as_ref().map(|e| format!("（暂不可：{}）", e)).unwrap_or_default();
            out.push_str(&format!("  {} {}{}\n", a.action.key(), a.action.label_zh(), escape(&why)));
        }
    }
    out
}

/// `verify --full` for people: the chain, then the first event the rules would not have
/// produced (with the reason in the user's language), and the events dated a little behind.
pub fn full_verify(r: &taizhang_ledger::FullVerifyReport) -> String {
    let mut out = String::new();
    if let Some(b) = &r.chain.first_break {
        return format!(
            "链已断开！第一个断点：事件 #{}（{}），设备 {} 序号 {}：{}\n",
            b.seq, b.event_id, b.device_id, b.device_seq, b.reason
        );
    }
    out.push_str(&format!("链完整：{} 个事件，{} 条设备链。\n", r.chain.events, r.chain.chains.len()));
    for c in &r.chain.chains {
        out.push_str(&format!("  设备 {}：{} 个事件，链头 {}\n", c.device_id, c.events, c.head_hash));
    }
    match &r.first_not_admitted {
        None => out.push_str(&format!("规则重放通过：{} 个事件均符合规则（用时 {} 毫秒）。\n", r.replayed, r.millis)),
        Some(n) => {
            let reason = crate::messages::CliError::from(n.error.clone()).localized();
            let verdict =
                if n.verdict == "no_effect" { "当时的状态不允许此操作" } else { "规则不允许此操作" };
            out.push_str(&format!(
                "规则重放未通过！第一个不符合规则的事件：#{}（{}，{}），操作人 {}，时间 {}：{}——{}（{}）\n",
                n.seq,
                n.event_id,
                n.kind,
                n.actor,
                n.occurred_at,
                verdict,
                reason,
                n.error.code()
            ));
        }
    }
    out.push_str(&attachment_faults(&r.chain.attachments));
    if r.clock_behind_count > 0 {
        out.push_str(&format!(
            "另有 {} 个事件的时间略早于此前最晚的事件（在允许的时钟误差内）：\n",
            r.clock_behind_count
        ));
        for c in &r.clock_behind {
            out.push_str(&format!("  事件 #{}（{}）：时钟落后 {} 秒\n", c.seq, c.event_id, c.seconds));
        }
    }
    out
}

/// The files the events name that the ledger does not hold as named (`verify`).
pub fn attachment_faults(faults: &[taizhang_ledger::AttachmentFault]) -> String {
    let mut out = String::new();
    if !faults.is_empty() {
        out.push_str(&format!("附件校验未通过：{} 个附件缺失或被改动。\n", faults.len()));
    }
    for f in faults {
        let mut params = taizhang_core::coded::Params::new();
        params.insert("name".into(), f.name.clone().into());
        params.insert("sha256".into(), f.sha256.clone().into());
        let text = crate::messages::catalog_message(&f.code, &params).unwrap_or_else(|| f.code.clone());
        out.push_str(&format!("  {}（事件 {}）\n", text, escape(&f.event_id)));
    }
    out
}
