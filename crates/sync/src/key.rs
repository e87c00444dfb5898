//! The device's signing key: 32 random bytes in hex, in a file of mode 0600 beside the ledger
//! (`<ledger>.device-key`). The ledger records where it is, never the key itself; a backup of
//! the ledger therefore carries no key, and a key others may read is refused.

use std::io::Write;
use std::path::{Path, PathBuf};

use taizhang_protocol::sign::{signing_key, SigningKey};

use crate::error::{Result, SyncError};

/// Where the key of the ledger at `ledger` is kept.
pub fn key_path(ledger: &Path) -> PathBuf {
    let mut name = ledger.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".device-key");
    ledger.with_file_name(name)
}

/// Makes a new key and writes it to `path`, which must not exist (mode 0600 from the start).
pub fn create(path: &Path) -> Result<SigningKey> {
    let secret: [u8; 32] = rand::random();
    let unreadable =
        |e: std::io::Error| SyncError::KeyUnreadable { path: path.display().to_string(), reason: e.to_string() };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(path).map_err(unreadable)?;
    f.write_all(hex::encode(secret).as_bytes()).and_then(|()| f.sync_all()).map_err(unreadable)?;
    Ok(signing_key(&secret))
}

/// Reads the key at `path`; refuses one that others may read.
pub fn load(path: &Path) -> Result<SigningKey> {
    let p = path.display().to_string();
    let meta =
        std::fs::metadata(path).map_err(|e| SyncError::KeyUnreadable { path: p.clone(), reason: e.to_string() })?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(SyncError::KeyTooOpen { path: p, mode: format!("{mode:04o}") });
        }
    }
    #[cfg(not(unix))]
    let _ = meta;
    let text = std::fs::read_to_string(path)
        .map_err(|e| SyncError::KeyUnreadable { path: p.clone(), reason: e.to_string() })?;
    let secret: [u8; 32] = hex::decode(text.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| SyncError::KeyUnreadable { path: p, reason: "not 32 bytes of hex".into() })?;
    Ok(signing_key(&secret))
}

#[cfg(test)]
mod tests {
    use super::*;
    use taizhang_core::coded::Coded;

    #[test]
    fn a_key_is_made_0600_read_back_and_refused_when_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = key_path(&dir.path().join("ledger.db"));
        assert!(path.ends_with("ledger.db.device-key"));
        let made = create(&path).unwrap();
        assert_eq!(load(&path).unwrap().to_bytes(), made.to_bytes());
        assert!(create(&path).is_err(), "an existing key is never replaced");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            assert_eq!(load(&path).unwrap_err().code(), "sync.key_too_open");
        }
    }
}
