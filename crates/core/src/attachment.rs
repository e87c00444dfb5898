//! Attachments (docs/attachments.md): photos and scans carried by registration, progress,
//! resolution and evaluation. An event names each file by the SHA-256 of its bytes, with its
//! size, media type and original name, so the chain covers the file without holding it; the
//! ledger keeps the bytes once per hash. What a file may be is decided here: its kind is read
//! from its first bytes (never from its name), its size and the number per act are bounded.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::DomainError;
use crate::text::normalize_name;

/// The largest file an act may carry: a phone photo or a scanned page at a readable size.
pub const MAX_ATTACHMENT_BYTES: u64 = 10 * 1024 * 1024;
/// The most files one act may carry (a phone's share sheet sends nine photos at once).
pub const MAX_ATTACHMENTS: usize = 9;
/// The longest original file name kept, in characters.
pub const MAX_NAME: usize = 120;

/// The kinds of file allowed, by media type.
pub const JPEG: &str = "image/jpeg";
pub const PNG: &str = "image/png";
pub const WEBP: &str = "image/webp";
pub const PDF: &str = "application/pdf";
pub const ALLOWED_TYPES: &[&str] = &[JPEG, PNG, WEBP, PDF];

/// A file as an event names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Attachment {
    /// SHA-256 of the bytes, 64 lowercase hex digits: the file's name in the ledger.
    pub sha256: String,
    #[ts(type = "number")]
    pub size: u64,
    pub media_type: String,
    /// The file's name where it came from (shown, exported; not an identity).
    pub name: String,
}

impl Attachment {
    /// Whether it is a picture (shown as a thumbnail) rather than a document.
    pub fn is_image(&self) -> bool {
        self.media_type.starts_with("image/")
    }

    /// The file name extension of its media type, for exports.
    pub fn extension(&self) -> &'static str {
        extension_of(&self.media_type)
    }
}

pub fn extension_of(media_type: &str) -> &'static str {
    match media_type {
        JPEG => "jpg",
        PNG => "png",
        WEBP => "webp",
        PDF => "pdf",
        _ => "bin",
    }
}

/// A file with its bytes, described: what a command's caller hands the ledger beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blob {
    pub attachment: Attachment,
    pub bytes: Vec<u8>,
}

/// The SHA-256 of some bytes, lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The media type a file's first bytes say it is, if it is one of the allowed kinds.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(JPEG)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(PNG)
    } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(WEBP)
    } else if bytes.starts_with(b"%PDF-") {
        Some(PDF)
    } else {
        None
    }
}

/// The original name as kept: the last part of a path, normalized, bounded; "附件" when empty.
pub fn clean_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let n = normalize_name(last);
    let n: String = n.chars().take(MAX_NAME).collect();
    if n.is_empty() {
        "附件".to_string()
    } else {
        n
    }
}

/// Describes a file the user chose: refused when empty, too large or of a kind not allowed.
pub fn describe(name: &str, bytes: Vec<u8>) -> Result<Blob, DomainError> {
    let name = clean_name(name);
    let size = bytes.len() as u64;
    if size == 0 {
        return Err(DomainError::AttachmentEmpty { name });
    }
    if size > MAX_ATTACHMENT_BYTES {
        return Err(DomainError::AttachmentTooLarge { name, size, max: MAX_ATTACHMENT_BYTES });
    }
    let Some(media_type) = sniff(&bytes) else {
        return Err(DomainError::AttachmentTypeNotAllowed { name, media_type: "unknown".into() });
    };
    let attachment = Attachment { sha256: sha256_hex(&bytes), size, media_type: media_type.to_string(), name };
    Ok(Blob { attachment, bytes })
}

/// The rule every act's attachments keep (`decide` before the events exist, `admit` after):
/// at most `MAX_ATTACHMENTS`, each a well-formed hash named once, of an allowed kind and size,
/// with a kept name. Returns them as stored (names cleaned).
pub fn check_attachments(list: &[Attachment]) -> Result<Vec<Attachment>, DomainError> {
    if list.len() > MAX_ATTACHMENTS {
        return Err(DomainError::AttachmentTooMany { count: list.len(), max: MAX_ATTACHMENTS });
    }
    let mut out: Vec<Attachment> = Vec::with_capacity(list.len());
    for a in list {
        let name = clean_name(&a.name);
        let well_formed =
            a.sha256.len() == 64 && a.sha256.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !well_formed {
            return Err(DomainError::AttachmentBadReference { name, reason: "not a SHA-256 in lowercase hex".into() });
        }
        if out.iter().any(|o| o.sha256 == a.sha256) {
            return Err(DomainError::AttachmentBadReference { name, reason: "the same file twice".into() });
        }
        if !ALLOWED_TYPES.contains(&a.media_type.as_str()) {
            return Err(DomainError::AttachmentTypeNotAllowed { name, media_type: a.media_type.clone() });
        }
        if a.size == 0 {
            return Err(DomainError::AttachmentEmpty { name });
        }
        if a.size > MAX_ATTACHMENT_BYTES {
            return Err(DomainError::AttachmentTooLarge { name, size: a.size, max: MAX_ATTACHMENT_BYTES });
        }
        out.push(Attachment { name, ..a.clone() });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG_BYTES: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    #[test]
    fn the_kind_comes_from_the_bytes_not_the_name() {
        assert_eq!(describe("a.jpg", PNG_BYTES.to_vec()).unwrap().attachment.media_type, PNG);
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0rest"), Some(JPEG));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(WEBP));
        assert_eq!(sniff(b"%PDF-1.7"), Some(PDF));
        let e = describe("photo.png", b"MZ\x90\0 an exe".to_vec()).unwrap_err();
        assert_eq!(e.code(), "attachment.type_not_allowed");
    }

    #[test]
    fn limits_have_their_codes() {
        assert_eq!(describe("x.png", vec![]).unwrap_err().code(), "attachment.empty");
        let mut big = PNG_BYTES.to_vec();
        big.resize(MAX_ATTACHMENT_BYTES as usize + 1, 0);
        assert_eq!(describe("x.png", big).unwrap_err().code(), "attachment.too_large");
        let mut exact = PNG_BYTES.to_vec();
        exact.resize(MAX_ATTACHMENT_BYTES as usize, 0);
        assert!(describe("x.png", exact).is_ok());
    }

    #[test]
    fn described_files_pass_the_rule_and_names_are_cleaned() {
        let b = describe("C:\\照片\\现场 1.png", PNG_BYTES.to_vec()).unwrap();
        assert_eq!(b.attachment.name, "现场 1.png");
        assert_eq!(b.attachment.sha256, sha256_hex(PNG_BYTES));
        assert_eq!(b.attachment.size, PNG_BYTES.len() as u64);
        assert_eq!(check_attachments(std::slice::from_ref(&b.attachment)).unwrap(), vec![b.attachment.clone()]);
        assert_eq!(clean_name("/tmp/"), "附件");
    }

    #[test]
    fn the_rule_refuses_what_describe_would_not_make() {
        let ok = describe("a.png", PNG_BYTES.to_vec()).unwrap().attachment;
        let code = |list: Vec<Attachment>| check_attachments(&list).unwrap_err().code();
        assert_eq!(code(vec![ok.clone(); MAX_ATTACHMENTS + 1]), "attachment.too_many");
        assert_eq!(code(vec![ok.clone(), ok.clone()]), "attachment.bad_reference");
        assert_eq!(
            code(vec![Attachment { sha256: ok.sha256.to_uppercase(), ..ok.clone() }]),
            "attachment.bad_reference"
        );
        assert_eq!(
            code(vec![Attachment { media_type: "text/html".into(), ..ok.clone() }]),
            "attachment.type_not_allowed"
        );
        assert_eq!(code(vec![Attachment { size: MAX_ATTACHMENT_BYTES + 1, ..ok.clone() }]), "attachment.too_large");
        assert_eq!(code(vec![Attachment { size: 0, ..ok.clone() }]), "attachment.empty");
        let many: Vec<Attachment> =
            (0..MAX_ATTACHMENTS).map(|i| Attachment { sha256: sha256_hex(&[i as u8]), ..ok.clone() }).collect();
        assert_eq!(check_attachments(&many).unwrap().len(), MAX_ATTACHMENTS);
    }
}
