//! The re-decision of a pushed event is the core's `admit` (one copy of the rules): this module
//! only names its three answers as the server records them.

pub use taizhang_core::admit::Verdict;

/// `applied`, `no_effect` or `refused`.
pub fn outcome(v: &Verdict) -> &'static str {
    match v {
        Verdict::Admitted => "applied",
        Verdict::NoEffect(_) => "no_effect",
        Verdict::Refused(_) => "refused",
    }
}
