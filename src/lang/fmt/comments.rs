//! Comments of a rule file, which the parser skips as white space.
//!
//! A `#` starts a comment anywhere outside a string literal. String literals are
//! found from the parsed file (every template span), so a `#` inside one, even in
//! an interpolation such as `"{x == "#"}"`, is never taken for a comment.

use crate::lang::ast::{Clause, Expr, ExprKind, Item, Modifier, RuleFile};
use crate::source::Span;

/// One `#` comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// Byte offset of the `#`.
    pub start: usize,
    /// Byte offset of the end of the line (the comment's end).
    pub end: usize,
    /// The comment from `#` on, trailing white space removed.
    pub text: String,
    /// Whether code precedes it on its line (`x: int  # note`).
    pub trailing: bool,
}

/// Every comment of `text`, in order; `file` is its parse.
pub fn collect(text: &str, file: &RuleFile) -> Vec<Comment> {
    let mut strings = Vec::new();
    for item in &file.items {
        strings_in_item(item, &mut strings);
    }
    strings.sort_by_key(|s| s.start);
    scan(text, &strings)
}

fn scan(text: &str, strings: &[Span]) -> Vec<Comment> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut next_string = 0;
    let mut i = 0;
    while i < bytes.len() {
        while strings.get(next_string).is_some_and(|s| s.end <= i) {
            next_string += 1;
        }
        if let Some(s) = strings.get(next_string).filter(|s| s.start == i) {
            i = s.end.max(i + 1);
            continue;
        }
        if bytes.get(i) == Some(&b'#') {
            let end = text[i..].find('\n').map_or(text.len(), |n| i + n);
            let line_start = text[..i].rfind('\n').map_or(0, |n| n + 1);
            out.push(Comment {
                start: i,
                end,
                text: text[i..end].trim_end().to_string(),
                trailing: !text[line_start..i].trim().is_empty(),
            });
            i = end;
            continue;
        }
        i += 1;
    }
    out
}

fn strings_in_item(item: &Item, out: &mut Vec<Span>) {
    match item {
        Item::Enum(_) | Item::Plan(_) => {}
        Item::Kind(k) => k.fields.iter().for_each(|f| {
            if let Some(d) = &f.default {
                strings_in_expr(d, out);
            }
            for m in &f.modifiers {
                if let Modifier::Min(e) = m {
                    strings_in_expr(e, out);
                }
            }
        }),
        Item::Root(r) => r.fields.iter().for_each(|f| {
            if let Some(d) = &f.default {
                strings_in_expr(d, out);
            }
        }),
        Item::Const(c) => strings_in_expr(&c.value, out),
        Item::Rule(r) => {
            out.push(r.summary.span);
            for clause in &r.clauses {
                match clause {
                    Clause::For {
                        collection, filter, ..
                    } => {
                        strings_in_expr(collection, out);
                        if let Some(f) = filter {
                            strings_in_expr(f, out);
                        }
                    }
                    Clause::Let { value, .. } => strings_in_expr(value, out),
                    Clause::Where(e) => strings_in_expr(e, out),
                }
            }
            strings_in_expr(&r.require, out);
            strings_in_expr(&r.subject, out);
            out.push(r.message.span);
            if let Some(f) = &r.fix {
                out.push(f.span);
            }
            r.related.iter().for_each(|e| strings_in_expr(e, out));
        }
    }
}

fn strings_in_expr(e: &Expr, out: &mut Vec<Span>) {
    match &e.kind {
        // Interpolations are inside the template's span, and printed verbatim with it.
        ExprKind::Str(t) => out.push(t.span),
        ExprKind::Field(b, _) | ExprKind::Has(b, _) | ExprKind::Not(b) => strings_in_expr(b, out),
        ExprKind::Binary(_, l, r) => {
            strings_in_expr(l, out);
            strings_in_expr(r, out);
        }
        ExprKind::List(items) | ExprKind::Call(_, items) => {
            items.iter().for_each(|i| strings_in_expr(i, out));
        }
        ExprKind::Filter {
            collection, cond, ..
        } => {
            strings_in_expr(collection, out);
            strings_in_expr(cond, out);
        }
        ExprKind::Bool(_)
        | ExprKind::Int(_)
        | ExprKind::Num(_)
        | ExprKind::Date(_)
        | ExprKind::Name(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::parse::parse_rule_file;
    use crate::source::SourceFile;

    #[test]
    fn hashes_in_strings_are_not_comments() {
        let text = "# head\nrule r: error \"a # b\" # tail\n  require \"x#\" == \"{y}\"\n  else s: \"#{s.id}\"\n";
        let file = parse_rule_file(&SourceFile::new("t", text)).unwrap();
        let found: Vec<(String, bool)> = collect(text, &file)
            .into_iter()
            .map(|c| (c.text, c.trailing))
            .collect();
        assert_eq!(
            found,
            vec![("# head".into(), false), ("# tail".into(), true)]
        );
    }
}
