//! Packed backups: a verified copy of the ledger, gzip-compressed. The automatic backups are
//! written this way (`<stem>-YYYYMMDD-HHMMSS.db.gz`): a ledger is mostly hex ids, hashes and
//! repeated JSON keys, which compress several times over, and the app keeps ten of them
//! (docs/benchmarks.md, the backup row). A restore unpacks to a file beside the target and
//! then checks it exactly as it checks a plain copy, so packing changes what is on disk, never
//! what comes back.

use std::io::{BufReader, BufWriter, Read, Write};
use std::path::Path;

use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;

use crate::error::{LedgerError, Result};

/// The name ending of a packed backup.
pub const PACKED_EXTENSION: &str = ".db.gz";

/// Whether `path` is named as a packed backup.
pub fn is_packed_name(path: &Path) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.to_ascii_lowercase().ends_with(".gz"))
}

/// Whether the file at `path` starts as a gzip stream does (whatever its name).
pub fn is_packed_file(path: &Path) -> bool {
    let mut magic = [0u8; 2];
    std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut magic)).is_ok() && magic == [0x1f, 0x8b]
}

/// Writes `src` gzip-compressed to `out` (a new file), flushed to disk.
pub(crate) fn pack(src: &Path, out: &Path) -> Result<()> {
    let mut input = BufReader::with_capacity(1 << 20, std::fs::File::open(src)?);
    let file = std::fs::OpenOptions::new().write(true).create_new(true).open(out)?;
    // Level 3: most of level 6's saving on this kind of file at about twice its speed.
    let mut enc = GzEncoder::new(BufWriter::with_capacity(1 << 20, file), Compression::new(3));
    std::io::copy(&mut input, &mut enc)?;
    let file = enc.finish()?.into_inner().map_err(|e| LedgerError::Io(e.into_error()))?;
    file.sync_all()?;
    Ok(())
}

/// Unpacks the packed backup `src` into the new file `out`. A stream that is cut short or
/// damaged is `backup.broken` (gzip's checksum covers every byte).
pub(crate) fn unpack(src: &Path, out: &Path) -> Result<()> {
    let broken = |e: std::io::Error| LedgerError::BackupBroken {
        path: src.display().to_string(),
        reason: format!("the packed copy cannot be unpacked whole: {e}"),
    };
    let mut dec = GzDecoder::new(BufReader::with_capacity(1 << 20, std::fs::File::open(src)?));
    let file = std::fs::OpenOptions::new().write(true).create_new(true).open(out)?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    std::io::copy(&mut dec, &mut w).map_err(|e| match e.kind() {
        std::io::ErrorKind::InvalidData | std::io::ErrorKind::InvalidInput | std::io::ErrorKind::UnexpectedEof => {
            broken(e)
        }
        _ => e.into(),
    })?;
    w.flush()?;
    Ok(())
}
