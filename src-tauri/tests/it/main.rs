//! The shell's integration tests, one binary: IPC round trips and errors (`shell`), the
//! authorization matrix through IPC (`authorization`), and the generated TypeScript side of
//! the boundary checked against the Rust (`bindings`, with `command_map` reading the command
//! signatures), and the district server's commands without a server (`sync`).

mod authorization;
mod bindings;
mod command_map;
mod common;
mod shell;
mod sync;
