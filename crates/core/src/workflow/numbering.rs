//! Problem numbers the ledger gives.

use super::world::World;
use crate::model::Unit;

/// The number the ledger gives the next problem of this township raised in `year`:
/// `2026-城关-0001`, the sequence continuing from the highest number the ledger itself gave.
/// A number an import kept from its sheet takes no place in the sequence, so the one it would
/// reach may already be taken by such a problem: that one is passed over.
pub(crate) fn next_number(world: &dyn World, year: i32, township: &Unit) -> String {
    let mut seq = world.next_problem_seq(year, &township.id);
    loop {
        let number = format!("{}-{}-{:04}", year, township.short_name, seq);
        if world.problem_id_by_number(&number).is_none() {
            return number;
        }
        seq += 1;
    }
}
