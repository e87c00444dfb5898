//! Cell formats shared by the ledger and report workbooks: the colours offices read at a
//! glance (escalation fills 提醒/黄牌/红牌, a pale fill per status, a light red row for
//! overdue items).

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder};
use taizhang_core::{Escalation, Status};

pub(crate) const DATE_FORMAT: &str = "yyyy-mm-dd";
pub(crate) const PERCENT_FORMAT: &str = "0.0%";

pub(crate) const OVERDUE_FILL: u32 = 0xFFE5E5;
pub(crate) const OVERDUE_FONT: u32 = 0xC00000;
pub(crate) const HEADER_FILL: u32 = 0xD9E1F2;

/// (fill, font) of a status cell.
pub(crate) fn status_colors(s: Status) -> (u32, u32) {
    match s {
        Status::Registered => (0xF2F2F2, 0x595959),
        Status::Assigned => (0xEDE7F6, 0x5B2C8F),
        Status::InProgress => (0xE3EEFA, 0x1F5FA8),
        Status::Disputed => (0xFCE4D6, 0xC65911),
        Status::Resolved => (0xE2EFDA, 0x38761D),
        Status::Closed => (0xC6E0B4, 0x274E13),
        Status::Withdrawn => (0xF2F2F2, 0x808080),
    }
}

/// (fill, font) of an escalation cell; `None` for 正常, which stays plain.
pub(crate) fn escalation_colors(e: Escalation) -> Option<(u32, u32)> {
    match e {
        Escalation::None => None,
        Escalation::Reminder => Some((0xBDD7EE, 0x1F3864)),
        Escalation::Yellow => Some((0xFFFF00, 0x000000)),
        Escalation::Red => Some((0xFF0000, 0xFFFFFF)),
    }
}

/// A bordered body cell, vertically centred.
pub(crate) fn cell() -> Format {
    Format::new().set_border(FormatBorder::Thin).set_align(FormatAlign::VerticalCenter).set_font_size(10)
}

pub(crate) fn centered() -> Format {
    cell().set_align(FormatAlign::Center)
}

pub(crate) fn wrapped() -> Format {
    cell().set_text_wrap()
}

pub(crate) fn date() -> Format {
    centered().set_num_format(DATE_FORMAT)
}

pub(crate) fn percent() -> Format {
    centered().set_num_format(PERCENT_FORMAT)
}

pub(crate) fn header() -> Format {
    Format::new()
        .set_bold()
        .set_font_size(10)
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap()
        .set_background_color(Color::RGB(HEADER_FILL))
}

pub(crate) fn title() -> Format {
    Format::new().set_bold().set_font_size(16).set_align(FormatAlign::Center).set_align(FormatAlign::VerticalCenter)
}

/// The line under a title: period, time made, filter.
pub(crate) fn subtitle() -> Format {
    Format::new().set_font_size(10).set_align(FormatAlign::Left).set_align(FormatAlign::VerticalCenter)
}

pub(crate) fn filled(f: Format, fill: u32, font: u32) -> Format {
    f.set_background_color(Color::RGB(fill)).set_font_color(Color::RGB(font))
}
