//! `eligo fmt`: one canonical layout for rule files.
//!
//! The layout: items at column 0; a blank line around every rule, kind and
//! multi-line enum (other blank lines kept, at most one in a row); fields and rule
//! clauses one per line, indented by two spaces; an enum on one line when it fits
//! in 80 columns and holds no comment, else its values filled to 80 columns;
//! expressions with single spaces and only the parentheses the grammar needs;
//! string literals exactly as written.
//!
//! Comments are never dropped or reordered. Each is re-emitted before the first
//! item, field, clause or enum value that follows it (on its own line, indented
//! like that line), or, when code precedes it on its source line, at the end of
//! the last line printed before that point. Formatting is idempotent, and the
//! formatted text parses to the same syntax tree (spans aside).

pub(crate) mod comments;
mod expr;

pub(crate) use comments::{collect as collect_comments, Comment};

use super::ast::{
    Clause, EnumDecl, FieldDecl, Ident, Item, KindDecl, KindForm, PlanDecl, RuleDecl, RuleFile,
};
use super::error::RuleSyntaxError;
use super::parse::parse_rule_file;
use crate::source::{SourceFile, Span};
use expr::ExprPrinter;

/// Longest line of an enum (its values are filled up to it); rule lines are not wrapped.
pub(crate) const WIDTH: usize = 80;

/// Formats a rule file; fails on a syntax error.
pub fn format_source(source: &SourceFile) -> Result<String, RuleSyntaxError> {
    let file = parse_rule_file(source)?;
    Ok(format_file(&source.text, &file))
}

/// Formats the parse `file` of `text`.
pub(crate) fn format_file(text: &str, file: &RuleFile) -> String {
    let mut p = Printer {
        src: text,
        comments: collect_comments(text, file),
        next: 0,
        lines: Vec::new(),
        last_end: 0,
        exprs: ExprPrinter { src: text },
    };
    let mut previous_big = false;
    for item in &file.items {
        let big = p.is_big(item);
        let blank = if previous_big || big {
            Blank::Force
        } else {
            Blank::Keep
        };
        p.item(item, blank);
        previous_big = big;
    }
    p.flush_before(text.len() + 1, 0, Blank::Keep);
    p.finish()
}

/// Whether a blank line goes before a line.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Blank {
    /// When the source has one there.
    Keep,
    /// Always (between big items).
    Force,
    /// Never (after `{`, before `}`).
    Never,
}

/// An output line.
struct Line {
    indent: usize,
    text: String,
    /// Source code (not a comment line or a blank line).
    code: bool,
    /// Ends with a trailing comment.
    commented: bool,
    /// Ends with `{`, so no blank line follows.
    opens: bool,
    /// A line of filled enum values that may take more.
    fill: bool,
}

struct Printer<'a> {
    src: &'a str,
    comments: Vec<Comment>,
    next: usize,
    lines: Vec<Line>,
    /// End of the last source text (code or comment) printed.
    last_end: usize,
    exprs: ExprPrinter<'a>,
}

impl Printer<'_> {
    // ---- lines and comments -------------------------------------------------

    /// Starts a line for the code at `offset`, after the comments before it.
    fn line(&mut self, offset: usize, indent: usize, text: String, blank: Blank) {
        let blank = self.flush_before(offset, indent, blank);
        let gap = blank != Blank::Never && self.gap_has_blank(offset);
        self.blank_line(blank == Blank::Force || gap);
        self.push(indent, text, true);
    }

    /// Emits the comments that start before `offset`; returns the blank rule left
    /// for the line that follows them.
    fn flush_before(&mut self, offset: usize, indent: usize, mut blank: Blank) -> Blank {
        while let Some(c) = self.comments.get(self.next).filter(|c| c.start < offset) {
            let c = c.clone();
            self.next += 1;
            let appendable = self
                .lines
                .last()
                .is_some_and(|l| l.code && !l.commented && !l.text.is_empty());
            if c.trailing && appendable {
                if let Some(last) = self.lines.last_mut() {
                    last.text.push(' ');
                    last.text.push_str(&c.text);
                    last.commented = true;
                    last.fill = false;
                }
            } else {
                let gap = blank != Blank::Never && self.gap_has_blank(c.start);
                self.blank_line(blank == Blank::Force || gap);
                if blank == Blank::Force {
                    blank = Blank::Keep;
                }
                self.push(indent, c.text.clone(), false);
            }
            self.last_end = self.last_end.max(c.end);
        }
        blank
    }

    /// Whether the source between the last printed text and `offset` holds a blank line.
    fn gap_has_blank(&self, offset: usize) -> bool {
        let gap = self.src.get(self.last_end..offset).unwrap_or("");
        // The lines strictly between the previous token's line and this one.
        let segments: Vec<&str> = gap.split('\n').collect();
        let inner = segments
            .get(1..segments.len().saturating_sub(1))
            .unwrap_or(&[]);
        inner.iter().any(|l| l.trim().is_empty())
    }

    fn blank_line(&mut self, wanted: bool) {
        let allowed = self
            .lines
            .last()
            .is_some_and(|l| !l.opens && (l.code || !l.text.is_empty()));
        if wanted && allowed {
            self.lines.push(Line {
                indent: 0,
                text: String::new(),
                code: false,
                commented: false,
                opens: false,
                fill: false,
            });
        }
    }

    fn push(&mut self, indent: usize, text: String, code: bool) {
        let opens = code && text.ends_with('{');
        self.lines.push(Line {
            indent,
            text,
            code,
            commented: !code,
            opens,
            fill: false,
        });
    }

    /// Marks source text up to `end` as printed.
    fn done(&mut self, end: usize) {
        self.last_end = self.last_end.max(end);
    }

    fn finish(self) -> String {
        let mut out = String::new();
        for line in &self.lines {
            if !line.text.is_empty() {
                out.push_str(&" ".repeat(line.indent));
                out.push_str(line.text.trim_end());
            }
            out.push('\n');
        }
        let trimmed = out.trim_end_matches('\n').len();
        out.truncate(trimmed);
        if !out.is_empty() {
            out.push('\n');
        }
        out
    }

    fn has_comment_in(&self, span: Span) -> bool {
        self.comments
            .get(self.next..)
            .unwrap_or(&[])
            .iter()
            .any(|c| c.start >= span.start && c.start < span.end)
    }

    // ---- items ----------------------------------------------------------------

    fn is_big(&self, item: &Item) -> bool {
        match item {
            Item::Const(_) => false,
            Item::Enum(e) => self.enum_one_line(e).is_none(),
            _ => true,
        }
    }

    fn item(&mut self, item: &Item, blank: Blank) {
        match item {
            Item::Enum(e) => self.enum_decl(e, blank),
            Item::Kind(k) => self.kind_decl(k, blank),
            Item::Root(r) => self.block("root {".into(), &r.fields, r.span, blank),
            Item::Const(c) => {
                let text = format!("let {} = {}", c.name.name, self.exprs.expr(&c.value));
                self.line(c.span.start, 0, text, blank);
                self.done(c.span.end);
            }
            Item::Rule(r) => self.rule(r, blank),
            Item::Plan(p) => self.plan_decl(p, blank),
        }
    }

    /// `plan collection {`, one entry a line, `}`.
    fn plan_decl(&mut self, p: &PlanDecl, blank: Blank) {
        let header = format!("plan {} {{", p.collection.name);
        if p.entries.is_empty() && !self.has_comment_in(p.span) {
            self.line(p.span.start, 0, format!("{header}}}"), blank);
            self.done(p.span.end);
            return;
        }
        self.line(p.span.start, 0, header, blank);
        for e in &p.entries {
            let path = |path: &[Ident]| {
                path.iter()
                    .map(|i| i.name.as_str())
                    .collect::<Vec<_>>()
                    .join(".")
            };
            let mut text = format!("{}: {}", e.key.name, path(&e.target));
            if let Some((op, value)) = &e.value {
                text.push_str(&format!(" {} {}", op.as_str(), path(value)));
            }
            self.line(e.span.start, 2, text, Blank::Keep);
            self.done(e.span.end);
        }
        self.close(p.span);
    }

    fn enum_one_line(&self, e: &EnumDecl) -> Option<String> {
        if self.has_comment_in(e.span) {
            return None;
        }
        let values: Vec<&str> = e.variants.iter().map(|v| v.name.as_str()).collect();
        let text = if values.is_empty() {
            format!("enum {} {{}}", e.name.name)
        } else {
            format!("enum {} {{ {} }}", e.name.name, values.join(" "))
        };
        (text.len() <= WIDTH).then_some(text)
    }

    fn enum_decl(&mut self, e: &EnumDecl, blank: Blank) {
        if let Some(text) = self.enum_one_line(e) {
            self.line(e.span.start, 0, text, blank);
            self.done(e.span.end);
            return;
        }
        self.line(e.span.start, 0, format!("enum {} {{", e.name.name), blank);
        for v in &e.variants {
            self.fill_word(v.span.start, &v.name);
            self.done(v.span.end);
        }
        self.close(e.span);
    }

    /// Adds an enum value to the current fill line, or starts a new one.
    fn fill_word(&mut self, offset: usize, word: &str) {
        let before = self.next;
        self.flush_before(offset, 2, Blank::Keep);
        let flushed = self.next != before;
        let room = self.lines.last().is_some_and(|l| {
            l.fill && !l.commented && l.indent + l.text.len() + 1 + word.len() <= WIDTH
        });
        if room && !flushed {
            if let Some(last) = self.lines.last_mut() {
                last.text.push(' ');
                last.text.push_str(word);
            }
            return;
        }
        self.line(offset, 2, word.to_string(), Blank::Never);
        if let Some(last) = self.lines.last_mut() {
            last.fill = true;
        }
    }

    /// The `}` closing a declaration whose span ends just after it.
    fn close(&mut self, span: Span) {
        let brace = span.end.saturating_sub(1);
        self.flush_before(brace, 2, Blank::Keep);
        self.line(brace, 0, "}".into(), Blank::Never);
        self.done(span.end);
    }

    fn kind_decl(&mut self, k: &KindDecl, blank: Blank) {
        let header = match &k.form {
            KindForm::Entity { collection } => {
                format!("entity {} in {} {{", k.name.name, collection.name)
            }
            KindForm::Record => format!("record {} {{", k.name.name),
        };
        self.block(header, &k.fields, k.span, blank);
    }

    fn block(&mut self, header: String, fields: &[FieldDecl], span: Span, blank: Blank) {
        if fields.is_empty() && !self.has_comment_in(span) {
            let text = format!("{header}}}");
            self.line(span.start, 0, text, blank);
            self.done(span.end);
            return;
        }
        self.line(span.start, 0, header, blank);
        for f in fields {
            let text = self.exprs.field(f);
            self.line(f.span.start, 2, text, Blank::Keep);
            self.done(f.span.end);
        }
        self.close(span);
    }

    fn rule(&mut self, r: &RuleDecl, blank: Blank) {
        let header = format!(
            "rule {}: {} {}",
            r.id.name,
            r.severity.as_str(),
            self.text(r.summary.span)
        );
        self.line(r.span.start, 0, header, blank);
        self.done(r.summary.span.end);
        for clause in &r.clauses {
            let (offset, end, text) = self.clause(clause);
            self.line(offset, 2, text, Blank::Keep);
            self.done(end);
        }
        let keyword = if r.forbid { "forbid" } else { "require" };
        let text = format!("{keyword} {}", self.exprs.expr(&r.require));
        self.line(r.require.span.start, 2, text, Blank::Keep);
        self.done(r.require.span.end);
        let places: Vec<String> = r.places.iter().map(|e| self.exprs.postfix(e)).collect();
        let at = if places.is_empty() {
            String::new()
        } else {
            format!(" at {}", places.join(", "))
        };
        let text = format!(
            "else {}{at}: {}",
            self.exprs.postfix(&r.subject),
            self.text(r.message.span)
        );
        self.line(r.subject.span.start, 2, text, Blank::Keep);
        self.done(r.message.span.end);
        if let Some(fix) = &r.fix {
            let text = format!("fix {}", self.text(fix.span));
            self.line(fix.span.start, 2, text, Blank::Keep);
            self.done(fix.span.end);
        }
        if let Some(first) = r.related.first() {
            let items: Vec<String> = r.related.iter().map(|e| self.exprs.expr(e)).collect();
            let end = r.related.iter().map(|e| e.span.end).max().unwrap_or(0);
            self.line(
                first.span.start,
                2,
                format!("related {}", items.join(", ")),
                Blank::Keep,
            );
            self.done(end);
        }
    }

    /// A clause's anchor offset, end offset and text.
    fn clause(&self, clause: &Clause) -> (usize, usize, String) {
        match clause {
            Clause::For {
                var,
                collection,
                filter,
            } => {
                let mut text = format!("for {} in {}", var.name, self.exprs.postfix(collection));
                let mut end = collection.span.end;
                if let Some(f) = filter {
                    text.push_str(" where ");
                    text.push_str(&self.exprs.expr(f));
                    end = f.span.end;
                }
                (var.span.start, end, text)
            }
            Clause::Let { var, value } => (
                var.span.start,
                value.span.end,
                format!("let {} = {}", var.name, self.exprs.let_value(value)),
            ),
            Clause::Where(e) => (
                e.span.start,
                e.span.end,
                format!("where {}", self.exprs.expr(e)),
            ),
        }
    }

    fn text(&self, span: Span) -> String {
        self.src.get(span.start..span.end).unwrap_or("").to_string()
    }
}
