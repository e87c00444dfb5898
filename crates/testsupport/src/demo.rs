//! The demo district, for tests that need a realistic ledger. Every test reaches the demo
//! generator through this module, so where the generator lives is named once.

use taizhang_ledger::Ledger;

pub use taizhang_demo::DemoOptions;

/// Fills `ledger` with the demo district described by `opts`, without progress output.
pub fn generate(ledger: &mut Ledger, opts: &DemoOptions) {
    taizhang_demo::generate(ledger, opts, &mut |_, _| {}).unwrap();
}
