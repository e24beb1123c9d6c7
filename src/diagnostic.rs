//! Editor-facing diagnostics: one type for every problem found in a site, shown
//! rustc-style with the offending source line, so an editor can find and fix it.

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// A place in a file: 1-based line and column (columns count characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    pub fn new(line: usize, column: usize) -> Self {
        Position { line, column }
    }
}

/// A line of an editor's file, shared by everything found on it (a line holding 20,000
/// shortcode calls is stored once, not once per call).
pub type SourceLine = std::sync::Arc<str>;

/// Where each line of a text starts, so that finding a line or the line of an offset
/// costs a lookup, not a scan from the top: a page with 20,000 images stays linear.
/// The index is built on first use: most files are read without a single lookup.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: std::cell::OnceCell<Vec<usize>>,
    shared: std::cell::RefCell<std::collections::HashMap<usize, SourceLine>>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        LineIndex {
            text,
            starts: Default::default(),
            shared: Default::default(),
        }
    }

    fn starts(&self) -> &[usize] {
        self.starts.get_or_init(|| {
            std::iter::once(0)
                .chain(
                    self.text
                        .bytes()
                        .enumerate()
                        .filter(|(_, b)| *b == b'\n')
                        .map(|(i, _)| i + 1),
                )
                .collect()
        })
    }

    /// Line `n` (1-based), without its line end.
    pub fn line(&self, n: usize) -> Option<&'a str> {
        let starts = self.starts();
        let start = *starts.get(n.checked_sub(1)?)?;
        if start > self.text.len() || (start == self.text.len() && n > 1) {
            return None;
        }
        let end = starts.get(n).map(|e| e - 1).unwrap_or(self.text.len());
        let line = &self.text[start..end];
        Some(line.strip_suffix('\r').unwrap_or(line))
    }

    /// Line `n`, shared: asking twice for the same line gives the same allocation.
    pub fn shared(&self, n: usize) -> Option<SourceLine> {
        let mut cache = self.shared.borrow_mut();
        if let Some(l) = cache.get(&n) {
            return Some(l.clone());
        }
        let l: SourceLine = self.line(n)?.into();
        cache.insert(n, l.clone());
        Some(l)
    }

    /// The 1-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts().partition_point(|s| *s <= offset).max(1)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path relative to the site root, with `/` separators.
    pub file: Option<String>,
    pub position: Option<Position>,
    /// How many characters to underline at `position` (at least one caret is drawn).
    pub span: usize,
    pub message: String,
    pub hint: Option<String>,
    /// The source line at `position`, filled in by [`Diagnostic::with_source`].
    pub source_line: Option<SourceLine>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: None,
            position: None,
            span: 1,
            message: message.into(),
            hint: None,
            source_line: None,
        }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }

    pub fn at(mut self, position: Position) -> Self {
        self.position = Some(position);
        self
    }

    pub fn at_opt(mut self, position: Option<Position>) -> Self {
        self.position = position;
        self
    }

    pub fn spanning(mut self, chars: usize) -> Self {
        self.span = chars.max(1);
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Attach the line of `text` that `position` points at, for the rustc-style excerpt.
    pub fn with_source(mut self, text: &str) -> Self {
        if let Some(pos) = self.position
            && pos.line > 0
        {
            self.source_line = text.lines().nth(pos.line - 1).map(SourceLine::from);
        }
        self
    }

    /// Attach a line already found (see [`LineIndex`]).
    pub fn with_line(mut self, line: Option<&str>) -> Self {
        self.source_line = line.map(SourceLine::from);
        self
    }

    /// Attach a shared line: many diagnostics on one long line hold it once.
    pub fn with_shared_line(mut self, line: Option<SourceLine>) -> Self {
        self.source_line = line;
        self
    }

    /// Makes an error a warning whose message (`key`, with `%{message}`) says why it
    /// no longer stops the build.
    pub fn demote(&mut self, key: &str) {
        if self.is_error() {
            self.severity = Severity::Warning;
            self.message = rust_i18n::t!(key, message = self.message.as_str()).into_owned();
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    fn sort_key(&self) -> (Option<&str>, Option<Position>, Severity, &str) {
        (
            self.file.as_deref(),
            self.position,
            self.severity,
            &self.message,
        )
    }
}

/// Terminal columns of a source line shown at most (a Chinese character takes two).
const WINDOW: usize = 100;

/// Display width of text in a terminal: CJK and full-width characters take two columns.
fn display_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

fn char_width(c: char) -> usize {
    // Tabs are shown as four spaces; the rest from the Unicode width tables (CJK and
    // full-width punctuation take two columns, combining marks none).
    if c == '\t' {
        4
    } else {
        unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)
    }
}

impl Diagnostic {
    /// A failed write of the output, as editors read it: which file, and what to do
    /// when the disk is full.
    pub fn write_failed(e: std::io::Error) -> Diagnostic {
        let d = Diagnostic::error(rust_i18n::t!("write.failed", error = e));
        if matches!(
            e.kind(),
            std::io::ErrorKind::StorageFull | std::io::ErrorKind::FileTooLarge
        ) {
            d.hint(rust_i18n::t!("write.failed.disk_full"))
        } else {
            d.hint(rust_i18n::t!("write.failed.hint"))
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let key = match self.severity {
            Severity::Error => "diag.error",
            Severity::Warning => "diag.warning",
        };
        writeln!(f, "{}", rust_i18n::t!(key, message = self.message))?;
        let gutter = self.position.map(|p| p.line.to_string().len()).unwrap_or(1);
        let pad = " ".repeat(gutter);
        if let Some(file) = &self.file {
            match self.position {
                Some(p) => writeln!(f, "{pad}--> {file}:{}:{}", p.line, p.column)?,
                None => writeln!(f, "{pad}--> {file}")?,
            }
        }
        if let (Some(p), Some(line)) = (self.position, &self.source_line) {
            // A very long line (a paragraph with no line breaks) is shown as a window
            // of about WINDOW terminal columns around the column, with … where it was
            // cut: a third of the window before the mistake, the rest after.
            let chars: Vec<char> = line.chars().collect();
            let col = p.column.saturating_sub(1).min(chars.len());
            let widths: Vec<usize> = chars.iter().map(|c| char_width(*c)).collect();
            let (from, to) = if widths.iter().sum::<usize>() <= WINDOW {
                (0, chars.len())
            } else {
                let mut from = col;
                let mut used = 0;
                while from > 0 && used + widths[from - 1] <= WINDOW / 3 {
                    from -= 1;
                    used += widths[from];
                }
                let mut to = col;
                while to < chars.len() && used + widths[to] <= WINDOW {
                    used += widths[to];
                    to += 1;
                }
                // Near the end: spend what is left on the text before.
                while from > 0 && used + widths[from - 1] <= WINDOW {
                    from -= 1;
                    used += widths[from];
                }
                (from, to)
            };
            let cut_start = from > 0;
            let cut_end = to < chars.len();
            let window: String = chars[from..to].iter().collect();
            let window = format!(
                "{}{window}{}",
                if cut_start { "…" } else { "" },
                if cut_end { "…" } else { "" }
            );
            let col = col - from + usize::from(cut_start);
            // Characters that cannot be seen are shown by their code (<U+200B>), and so
            // is a full-width or non-breaking space where the mistake is marked.
            let span = col..col + self.span;
            let pieces: Vec<String> = window
                .chars()
                .enumerate()
                .map(|(i, c)| {
                    let hidden = crate::util::text::invisible(c).is_some()
                        || (span.contains(&i) && matches!(c, '\u{3000}' | '\u{a0}'));
                    if hidden {
                        format!("<U+{:04X}>", c as u32)
                    } else if c == '\t' {
                        "    ".to_string()
                    } else {
                        c.to_string()
                    }
                })
                .collect();
            let shown: String = pieces.concat();
            let offset: usize = pieces[..col.min(pieces.len())]
                .iter()
                .map(|p| display_width(p))
                .sum();
            let carets: usize = pieces
                .iter()
                .skip(col)
                .take(self.span)
                .map(|p| display_width(p))
                .sum::<usize>()
                .max(1);
            writeln!(f, "{pad} |")?;
            writeln!(f, "{} | {}", p.line, shown)?;
            writeln!(f, "{pad} | {}{}", " ".repeat(offset), "^".repeat(carets))?;
        }
        if let Some(hint) = &self.hint {
            writeln!(f, "{pad} {}", rust_i18n::t!("diag.help", hint = hint))?;
        }
        Ok(())
    }
}

/// Problems printed per file at most; the count of the rest is given.
pub const SHOWN_PER_FILE: usize = 50;

/// Everything found wrong in one run. Problems are collected, never thrown, so that
/// one build reports every mistake at once instead of one per run.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Sorted by file and position, so output is stable whatever the thread timing.
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut v: Vec<&Diagnostic> = self.items.iter().collect();
        v.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        v.dedup_by(|a, b| a.sort_key() == b.sort_key());
        v
    }

    /// The diagnostics to print, at most `per_file` of each file (sorted), and for each
    /// file with more, how many were left out: 20,000 copies of one mistake help no one.
    pub fn shown(&self, per_file: usize) -> (Vec<&Diagnostic>, Vec<(String, usize)>) {
        let mut shown = Vec::new();
        let mut hidden: Vec<(String, usize)> = Vec::new();
        let mut count: std::collections::HashMap<Option<&str>, usize> = Default::default();
        for d in self.sorted() {
            let n = count.entry(d.file.as_deref()).or_insert(0);
            *n += 1;
            if *n <= per_file || d.file.is_none() {
                shown.push(d);
            } else {
                let file = d.file.clone().unwrap_or_default();
                match hidden.last_mut() {
                    Some((f, k)) if *f == file => *k += 1,
                    _ => hidden.push((file, 1)),
                }
            }
        }
        (shown, hidden)
    }

    /// Errors in these files become warnings that say why: the files are drafts, left
    /// out of the site, so they must be fixed only before they are published.
    pub fn soften(&mut self, draft_files: &rustc_hash::FxHashSet<String>) {
        for d in &mut self.items {
            if d.is_error() && d.file.as_ref().is_some_and(|f| draft_files.contains(f)) {
                d.demote("drafts.softened");
            }
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// A site-relative path with forward slashes, as shown to editors.
pub fn display_path(root: &Path, path: &Path) -> String {
    let rel: PathBuf = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    rel.to_string_lossy().replace('\\', "/")
}

/// The closest candidate to `wrong`, if it is close enough to be a likely typo.
pub fn nearest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(&str, f64)> = None;
    for c in candidates {
        let score = strsim::normalized_damerau_levenshtein(wrong, c);
        if best.is_none_or(|(_, s)| score > s) {
            best = Some((c, score));
        }
    }
    best.filter(|(_, s)| *s >= 0.5).map(|(c, _)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_rustc_style_with_cjk_aligned_carets() {
        let d = Diagnostic::error("未知的荣誉称号")
            .in_file("content/profiles/a.md")
            .at(Position::new(2, 10))
            .spanning(3)
            .hint("did you mean 浙江省劳动模范?")
            .with_source("---\nhonors: [省劳模范]\n");
        let s = d.to_string();
        assert!(s.contains("--> content/profiles/a.md:2:10"), "{s}");
        assert!(s.contains("2 | honors: [省劳模范]"), "{s}");
        // "honors: [" is 9 narrow columns, then three wide characters.
        assert!(s.contains("  |          ^^^^^^\n"), "{s}");
        assert!(s.contains("= help: did you mean 浙江省劳动模范?"), "{s}");
    }

    #[test]
    fn nearest_finds_typos_only() {
        assert_eq!(nearest("regon", ["region", "name"]), Some("region"));
        assert_eq!(nearest("zzzzzz", ["region", "name"]), None);
    }
}
