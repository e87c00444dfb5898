//! taizhang-bundle: the sync protocol carried by hand (docs/bundles.md). Where a desk's network
//! never meets the district server's (政务内网 and 外网), a bundle file takes the same signed
//! events a push would send, and another brings back the server's replies and what a pull
//! would bring. Each side runs exactly what it runs for the network, so importing a bundle
//! twice, out of order or with a gap changes nothing wrong.
//!
//! - `bundle`: what a bundle holds (`Bundle`, `Part`), its digest, signing and checking.
//! - `file`: a bundle as a SQLite file (`.tzb`): written whole or not at all, read within limits.
//! - `error`: every failure with a stable code (`bundle.*`), messages in i18n/.
//!
//! No network and no ledger: the desktop's side is `taizhang-sync::bundle`, the server's is
//! `taizhang-server bundle import`.

mod bundle;
mod error;
mod file;

pub use bundle::{Bundle, Direction, Gap, Part, Signer, FORMAT};
pub use error::{BundleError, Result, CODES};
pub use file::{read, write, APPLICATION_ID, MAX_PART_BYTES};
