//! The shell's integration tests, one binary: IPC round trips and errors (`shell`), and the
//! authorization matrix through IPC (`authorization`).

mod authorization;
mod common;
mod shell;
