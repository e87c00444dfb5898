//! Passwords at the command line. An argument (`--password x`) is readable by every user of
//! the machine in the process list (`ps`, `/proc/<pid>/cmdline`) and lands in shell history,
//! so passwords come only from: an environment variable (`TAIZHANG_PASSWORD`,
//! `TAIZHANG_NEW_PASSWORD`, readable only by the same user), a prompt on the terminal that
//! does not echo, or, when standard input is not a terminal, one line of it (the acting
//! user's password first, then a new password).

use std::io::{BufRead, IsTerminal};

use crate::messages::CliError;

/// The acting user's password, asked for only when they have one.
pub fn acting_password(login: &str) -> Result<String, CliError> {
    read("TAIZHANG_PASSWORD", &format!("用户 {} 的密码：", crate::render::escape(login)), false)
}

/// A new password for `login`: typed twice at a prompt, or one line of standard input.
pub fn new_password(login: &str) -> Result<String, CliError> {
    let p = read("TAIZHANG_NEW_PASSWORD", &format!("用户 {} 的新密码：", crate::render::escape(login)), true)?;
    if p.is_empty() {
        return Err(CliError::Secret("auth.empty_password"));
    }
    Ok(p)
}

fn read(env: &str, prompt: &str, confirm: bool) -> Result<String, CliError> {
    if let Ok(p) = std::env::var(env) {
        return Ok(p);
    }
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(prompt)?;
        if confirm && rpassword::prompt_password("再输入一次：")? != first {
            return Err(CliError::Secret("auth.password_mismatch"));
        }
        return Ok(first);
    }
    // Stdin is buffered once for the process, so a second call reads the next line.
    let mut line = String::new();
    if std::io::stdin().lock().read_line(&mut line)? == 0 {
        return Err(CliError::Secret("auth.no_password_input"));
    }
    let line = line.strip_suffix('\n').unwrap_or(&line);
    Ok(line.strip_suffix('\r').unwrap_or(line).to_string())
}
