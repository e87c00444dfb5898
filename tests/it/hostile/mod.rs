//! Hostile input (issue 5, item 5): fuzz targets written as proptest properties.
//!
//! `cargo fuzz` needs a nightly toolchain (libFuzzer instrumentation), and this project builds
//! on stable only, so every entry point that takes bytes or text from outside is driven here by
//! proptest instead: random input, and valid input mutated (bit flips, truncation, insertion,
//! repeated blocks, hostile tokens, impossible cell positions). Each target states the same
//! contract: **no panic reaches the caller; the result is `Ok` or a typed error whose code is in
//! `i18n/en.json`**; and where text goes through, it comes out as it went in.
//!
//! Short run (part of `cargo test`, a fixed seed):
//! `cargo test -p taizhang-tests --test it hostile:: -- --nocapture`.
//! Long run (each target runs `PROPTEST_CASES × its weight` cases, a seed from the clock):
//! `PROPTEST_CASES=20000 cargo test --release -p taizhang-tests --test it hostile:: -- --nocapture`.
//! `PROPTEST_RNG_SEED=<n>` replays a run (the seed is printed with the summary and by the
//! guards). A failing target prints its minimal input and writes it whole to
//! `target/hostile-failures/`.
//!
//! Guards: a global allocator refuses any single allocation over 1 GiB, and any case holding
//! more than 1 GiB at once (`HOSTILE_ALLOC_CAP_MB`), naming the target and case, so an input
//! that makes a parser allocate by a length read from the file fails here instead of swapping
//! the machine; a watchdog aborts, naming the target and case, when one case runs longer than
//! 120 s (`HOSTILE_HANG_SECS`). Inputs known to make calamine 0.38 abort are skipped and counted
//! unless `HOSTILE_KNOWN_ABORTS=1` (see `known_calamine_hazard`). The cases per target,
//! refusals by code, the slowest case and the memory a case held are printed as a table when
//! the whole file has run.
//!
//! The allocator is the whole test binary's (`tests/it`): outside a case it only refuses a
//! single allocation over the cap, which no other test comes near.
//!
//! The files: `harness` (the guards, running a target, the summary), `mutations` (hostile
//! text, byte, XML and JSON mutations and the seed files they start from) and `targets` (one
//! file a target).

mod harness;
mod mutations;
mod targets;
