//! Just enough of Rust's lexical grammar to read module paths: comments and string, byte-string,
//! raw-string and character literals are skipped (lines are still counted through them), numbers
//! are dropped, and what is left is cut into identifiers and punctuation.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    Ident(String),
    Punct(char),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub tok: Tok,
    /// 1-based line of the token's first character.
    pub line: usize,
}

impl Token {
    pub fn is_ident(&self, s: &str) -> bool {
        matches!(&self.tok, Tok::Ident(i) if i == s)
    }

    pub fn is_punct(&self, c: char) -> bool {
        self.tok == Tok::Punct(c)
    }

    pub fn ident(&self) -> Option<&str> {
        match &self.tok {
            Tok::Ident(i) => Some(i),
            Tok::Punct(_) => None,
        }
    }
}

fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_ident_continue(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

struct Lexer {
    chars: Vec<char>,
    i: usize,
    line: usize,
}

impl Lexer {
    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.i + ahead).copied()
    }

    /// Moves past one character, counting lines.
    fn bump(&mut self) {
        if self.peek(0) == Some('\n') {
            self.line += 1;
        }
        self.i += 1;
    }

    fn skip_line_comment(&mut self) {
        while self.peek(0).is_some_and(|c| c != '\n') {
            self.bump();
        }
    }

    /// Block comments nest in Rust.
    fn skip_block_comment(&mut self) {
        let mut depth = 0;
        while let Some(c) = self.peek(0) {
            if c == '/' && self.peek(1) == Some('*') {
                depth += 1;
                self.bump();
            } else if c == '*' && self.peek(1) == Some('/') {
                depth -= 1;
                self.bump();
                if depth == 0 {
                    self.bump();
                    return;
                }
            }
            self.bump();
        }
    }

    /// From an opening quote to the closing one, escapes included.
    fn skip_quoted(&mut self, quote: char) {
        self.bump();
        while let Some(c) = self.peek(0) {
            self.bump();
            if c == '\\' {
                self.bump();
            } else if c == quote {
                return;
            }
        }
    }

    /// `r"…"`, `r#"…"#` and so on, from the `r`.
    fn skip_raw_string(&mut self) {
        self.bump();
        let mut hashes = 0;
        while self.peek(0) == Some('#') {
            hashes += 1;
            self.bump();
        }
        self.bump(); // the opening quote
        while let Some(c) = self.peek(0) {
            self.bump();
            if c == '"' && (0..hashes).all(|k| self.peek(k) == Some('#')) {
                for _ in 0..hashes {
                    self.bump();
                }
                return;
            }
        }
    }

    /// Whether a raw string (`r"`, `r#"`, `r##"`…) starts `ahead` characters on.
    fn raw_string_at(&self, ahead: usize) -> bool {
        if self.peek(ahead) != Some('r') {
            return false;
        }
        let mut k = ahead + 1;
        while self.peek(k) == Some('#') {
            k += 1;
        }
        self.peek(k) == Some('"')
    }

    /// A `'` starts a character literal (`'x'`, `'\n'`, `'\u{4e2d}'`) or a lifetime (`'a`).
    fn skip_quote(&mut self) {
        if self.peek(1) == Some('\\') || self.peek(2) == Some('\'') {
            self.skip_quoted('\'');
        } else {
            self.bump(); // a lifetime: its name is read as an identifier, which names no path
        }
    }

    fn ident(&mut self) -> String {
        let start = self.i;
        while self.peek(0).is_some_and(is_ident_continue) {
            self.bump();
        }
        self.chars[start..self.i].iter().collect()
    }
}

/// The identifiers and punctuation of a source file, each with its line.
pub fn tokens(src: &str) -> Vec<Token> {
    let mut lx = Lexer { chars: src.chars().collect(), i: 0, line: 1 };
    let mut out = Vec::new();
    while let Some(c) = lx.peek(0) {
        let line = lx.line;
        match c {
            '/' if lx.peek(1) == Some('/') => lx.skip_line_comment(),
            '/' if lx.peek(1) == Some('*') => lx.skip_block_comment(),
            '"' => lx.skip_quoted('"'),
            '\'' => lx.skip_quote(),
            'r' if lx.raw_string_at(0) => lx.skip_raw_string(),
            'b' | 'c' if lx.raw_string_at(1) => {
                lx.bump();
                lx.skip_raw_string();
            }
            'b' | 'c' if lx.peek(1) == Some('"') => {
                lx.bump();
                lx.skip_quoted('"');
            }
            'b' if lx.peek(1) == Some('\'') => {
                lx.bump();
                lx.skip_quoted('\'');
            }
            'r' if lx.peek(1) == Some('#') && lx.peek(2).is_some_and(is_ident_start) => {
                // A raw identifier, `r#type`: the identifier without its prefix.
                lx.bump();
                lx.bump();
                out.push(Token { tok: Tok::Ident(lx.ident()), line });
            }
            c if is_ident_start(c) => out.push(Token { tok: Tok::Ident(lx.ident()), line }),
            c if c.is_ascii_digit() => {
                lx.ident();
            }
            c if c.is_whitespace() => lx.bump(),
            c => {
                lx.bump();
                out.push(Token { tok: Tok::Punct(c), line });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idents(src: &str) -> Vec<(String, usize)> {
        tokens(src).into_iter().filter_map(|t| t.ident().map(|i| (i.to_string(), t.line))).collect()
    }

    #[test]
    fn comments_and_literals_hide_what_they_hold() {
        let src = "a // crate::x\n/* crate::y /* nested */ crate::z */ b\n\"crate::s \\\" still\" c\n\
                   r#\"crate::raw \"# d 'e' '\\'' f 'g h b\"crate\" br#\"crate\"# i";
        let names: Vec<String> = idents(src).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["a", "b", "c", "d", "f", "g", "h", "i"]);
    }

    #[test]
    fn lines_are_counted_through_comments_and_strings() {
        let src = "a\n/*\n\n*/ b \"x\ny\" c\n// d\ne";
        assert_eq!(idents(src), [("a".into(), 1), ("b".into(), 4), ("c".into(), 5), ("e".into(), 7)]);
    }

    #[test]
    fn numbers_are_dropped_and_raw_identifiers_kept() {
        let src = "x1 2u32 0x_ff 1.5 r#type";
        let names: Vec<String> = idents(src).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["x1", "type"]);
    }
}
