//! Diagnostics made safe to render: every string escaped, every snippet small.
//!
//! miette renders what a diagnostic gives it, raw: the message, the labels,
//! the help and the source lines around each label. From a hostile file that
//! means control characters on the reader's terminal or CI log, a line of
//! 100 MB printed once per label, and, past column 65,535, a panic inside
//! miette's formatting ("Formatting argument out of range"). miette also
//! counts a lone `\r` as a line break when it finds a label's line but not
//! when it draws the lines, so the gutter of a CR-only file shows the wrong
//! numbers.
//!
//! [`Safe`] wraps any diagnostic before it is rendered. Its texts go through
//! [`crate::escape`], and its source is rebuilt: for each group of nearby
//! labels, the lines around them (read from the original source, which keeps
//! its own line counting) become one segment in which every line break is a
//! `\n`, every control character a visible escape, and a long line only a
//! window of about [`LINE_WINDOW`] bytes around the label, with `…` where it
//! was cut. The header keeps the label's real line and column.

use miette::{
    Diagnostic, LabeledSpan, MietteError, MietteSpanContents, Severity, SourceCode, SourceSpan,
    SpanContents,
};
use std::fmt;

use crate::escape;

/// Lines of context around a label; the handler is set to the same number.
pub(crate) const CONTEXT: usize = 1;

/// Lines longer than this (in bytes) are shown as a window around the label.
pub(crate) const LONG_LINE: usize = 256;

/// Labels at most this many lines apart share one snippet (with the lines
/// between them); farther ones get a snippet each, so that two labels at
/// both ends of a large file do not print all of it.
const MERGE_GAP: usize = 12;

/// Bytes of a long line kept before the label's start.
const BEFORE: usize = 64;

/// Bytes of a long line kept in all.
pub(crate) const LINE_WINDOW: usize = 192;

/// A diagnostic with escaped texts and a rebuilt, bounded source.
#[derive(Debug)]
pub(crate) struct Safe {
    message: String,
    code: Option<String>,
    severity: Option<Severity>,
    help: Option<String>,
    url: Option<String>,
    labels: Vec<LabeledSpan>,
    source: Option<SafeSource>,
    related: Vec<Safe>,
    cause: Option<Box<Safe>>,
}

impl Safe {
    /// Copies what miette would render of `diagnostic`, made safe.
    pub(crate) fn new(diagnostic: &dyn Diagnostic) -> Safe {
        let labels: Vec<LabeledSpan> = diagnostic
            .labels()
            .map(Iterator::collect)
            .unwrap_or_default();
        let (source, labels) = match diagnostic.source_code() {
            Some(src) if !labels.is_empty() => {
                let (source, labels) = rebuild(src, &labels);
                (Some(source), labels)
            }
            _ => (None, Vec::new()),
        };
        Safe {
            message: escape::value(&diagnostic.to_string()),
            code: diagnostic.code().map(|c| escape::value(&c.to_string())),
            severity: diagnostic.severity(),
            help: diagnostic.help().map(|h| multi_line(&h.to_string())),
            url: diagnostic.url().map(|u| escape::value(&u.to_string())),
            labels,
            source,
            related: diagnostic
                .related()
                .map(|r| r.map(Safe::new).collect())
                .unwrap_or_default(),
            cause: diagnostic
                .diagnostic_source()
                .map(|d| Box::new(Safe::new(d))),
        }
    }
}

/// Help text: line feeds kept (eligo composes helps of several lines), every
/// other control escaped, and the whole cut to a bounded length.
fn multi_line(text: &str) -> String {
    escape::lines(&escape::truncate(text, escape::MAX_VALUE_BYTES)).into_owned()
}

impl fmt::Display for Safe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Safe {}

impl Diagnostic for Safe {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code
            .as_ref()
            .map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<Severity> {
        self.severity
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.url
            .as_ref()
            .map(|u| Box::new(u) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|d| d as &dyn Diagnostic)))
    }

    fn diagnostic_source(&self) -> Option<&dyn Diagnostic> {
        self.cause.as_deref().map(|d| d as &dyn Diagnostic)
    }
}

/// The rebuilt source: one segment per group of nearby labels.
#[derive(Debug)]
struct SafeSource {
    name: Option<String>,
    segments: Vec<Segment>,
}

/// Escaped lines around some labels, at `base` in the rebuilt source.
#[derive(Debug)]
struct Segment {
    base: usize,
    text: String,
    /// 0-based line number of the segment's first line in the original.
    first_line: usize,
    lines: usize,
    /// Each label's start in the rebuilt source, with the 0-based line and
    /// column the original source gives it (for the snippet's header).
    starts: Vec<(usize, usize, usize)>,
}

impl SourceCode for SafeSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let (start, end) = (span.offset(), span.offset() + span.len());
        let segment = self
            .segments
            .iter()
            .find(|s| s.base <= start && end <= s.base + s.text.len())
            .ok_or(MietteError::OutOfBounds)?;
        let data = segment.text.as_bytes();
        let whole = SourceSpan::new(segment.base.into(), data.len());
        let (line, column) = if context_lines_before == 0 && context_lines_after == 0 {
            segment
                .starts
                .iter()
                .find(|&&(at, _, _)| at == start)
                .map_or((segment.first_line, 0), |&(_, l, c)| (l, c))
        } else {
            (segment.first_line, 0)
        };
        Ok(Box::new(match &self.name {
            Some(name) => MietteSpanContents::new_named(
                name.clone(),
                data,
                whole,
                line,
                column,
                segment.lines,
            ),
            None => MietteSpanContents::new(data, whole, line, column, segment.lines),
        }))
    }
}

/// The rebuilt source for `labels`, and the labels moved into it.
fn rebuild(src: &dyn SourceCode, labels: &[LabeledSpan]) -> (SafeSource, Vec<LabeledSpan>) {
    let mut sorted: Vec<&LabeledSpan> = labels.iter().collect();
    sorted.sort_by_key(|l| (l.offset(), l.len()));
    let mut name = None;
    let mut groups: Vec<(Context, Vec<&LabeledSpan>)> = Vec::new();
    for label in sorted {
        let Some(ctx) = Context::read(src, label.offset(), label.offset() + label.len()) else {
            continue;
        };
        if name.is_none() {
            name = ctx.name.clone();
        }
        let merged = match groups.last_mut() {
            // miette's own rule for sharing a snippet, bounded by the gap.
            Some((last, members))
                if last.first_line + last.line_count >= ctx.first_line
                    && ctx.first_line <= last.last_line + 1 + MERGE_GAP =>
            {
                let from = members.first().map_or(label.offset(), |l| l.offset());
                let to = members
                    .iter()
                    .map(|l| l.offset() + l.len())
                    .chain([label.offset() + label.len()])
                    .max()
                    .unwrap_or(from);
                Context::read(src, from, to).map(|wider| {
                    *last = wider;
                    members.push(label);
                })
            }
            _ => None,
        };
        if merged.is_none() {
            groups.push((ctx, vec![label]));
        }
    }
    let mut segments = Vec::new();
    let mut moved = Vec::new();
    let mut base = 0;
    for (ctx, members) in groups {
        let segment = ctx.segment(src, base, &members, &mut moved);
        base = segment.base + segment.text.len() + 1;
        segments.push(segment);
    }
    let name = name.map(|n| escape::value(&n));
    (SafeSource { name, segments }, moved)
}

/// The original lines around a span, as the original source gives them.
struct Context {
    name: Option<String>,
    /// Byte offset of the first line in the original.
    offset: usize,
    text: String,
    first_line: usize,
    last_line: usize,
    /// The line count the original source reports (miette merges snippets by it).
    line_count: usize,
}

impl Context {
    fn read(src: &dyn SourceCode, from: usize, to: usize) -> Option<Context> {
        let span = SourceSpan::new(from.into(), to.saturating_sub(from));
        let contents = src.read_span(&span, CONTEXT, CONTEXT).ok()?;
        let text = String::from_utf8_lossy(contents.data()).into_owned();
        let breaks = split_lines(&text).len().saturating_sub(1);
        Some(Context {
            name: contents.name().map(str::to_string),
            offset: contents.span().offset(),
            first_line: contents.line(),
            last_line: contents.line() + breaks,
            line_count: contents.line_count(),
            text,
        })
    }

    /// The escaped, windowed segment; the members' labels moved into it are
    /// appended to `moved`.
    fn segment(
        &self,
        src: &dyn SourceCode,
        base: usize,
        members: &[&LabeledSpan],
        moved: &mut Vec<LabeledSpan>,
    ) -> Segment {
        // Label ends, relative to the context's text.
        let mut points: Vec<usize> = members
            .iter()
            .flat_map(|l| [l.offset(), l.offset() + l.len()])
            .map(|p| p.saturating_sub(self.offset).min(self.text.len()))
            .collect();
        points.sort_unstable();
        points.dedup();
        let mut text = String::new();
        let mut map: Vec<(usize, usize)> = Vec::with_capacity(points.len());
        let lines = split_lines(&self.text);
        for &(start, end, has_break) in &lines {
            let anchor = points
                .iter()
                .copied()
                .find(|&p| start <= p && p <= end)
                .unwrap_or(start);
            let line = self.text.get(start..end).unwrap_or_default();
            push_line(&mut text, line, start, anchor, &points, &mut map);
            if has_break {
                text.push('\n');
            }
        }
        let find = |p: usize| {
            let rel = p.saturating_sub(self.offset).min(self.text.len());
            map.iter()
                .find(|&&(orig, _)| orig == rel)
                .map_or(0, |&(_, synth)| synth)
        };
        let mut starts = Vec::new();
        for label in members {
            let (from, to) = (find(label.offset()), find(label.offset() + label.len()));
            let span = SourceSpan::new((base + from).into(), to.saturating_sub(from));
            let text = label.label().map(escape::value);
            moved.push(if label.primary() {
                LabeledSpan::new_primary_with_span(text, span)
            } else {
                LabeledSpan::new_with_span(text, span)
            });
            if let Ok(at) = src.read_span(label.inner(), 0, 0) {
                starts.push((base + from, at.line(), at.column()));
            }
        }
        Segment {
            base,
            text,
            first_line: self.first_line,
            lines: lines.len(),
            starts,
        }
    }
}

/// Lines of `text` as (start, end, followed by a break): `\n`, `\r\n` and a
/// lone `\r` each end a line, as the YAML parser and miette's lookup count.
fn split_lines(text: &str) -> Vec<(usize, usize, bool)> {
    let bytes = text.as_bytes();
    let mut lines = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'\n' || b == b'\r' {
            lines.push((start, i, true));
            i += if b == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                2
            } else {
                1
            };
            start = i;
        } else {
            i += 1;
        }
    }
    if start < bytes.len() || lines.is_empty() {
        lines.push((start, bytes.len(), false));
    }
    lines
}

/// Appends one line (escaped, and windowed around `anchor` if long), noting
/// where each of `points` in it lands in the output.
fn push_line(
    out: &mut String,
    line: &str,
    line_start: usize,
    anchor: usize,
    points: &[usize],
    map: &mut Vec<(usize, usize)>,
) {
    let (keep_from, keep_to) = if line.len() <= LONG_LINE {
        (0, line.len())
    } else {
        let from = floor_boundary(line, (anchor - line_start).saturating_sub(BEFORE));
        let to = floor_boundary(line, (from + LINE_WINDOW).min(line.len()));
        (from, to)
    };
    let here: Vec<usize> = points
        .iter()
        .copied()
        .filter(|&p| line_start <= p && p <= line_start + line.len())
        .collect();
    let mut note = |out: &String, lo: usize, hi: usize| {
        for &p in here.iter().filter(|&&p| lo <= p && p < hi) {
            map.push((p, out.len()));
        }
    };
    if keep_from > 0 {
        note(out, line_start, line_start + keep_from);
        out.push('…');
    }
    let kept = line.get(keep_from..keep_to).unwrap_or_default();
    for (i, c) in kept.char_indices() {
        let at = line_start + keep_from + i;
        note(out, at, at + c.len_utf8());
        out.push_str(&escape::text(c.encode_utf8(&mut [0; 4])));
    }
    if keep_to < line.len() {
        note(out, line_start + keep_to, line_start + line.len());
        out.push('…');
    }
    // A point at the very end of the line (an end of a label, an empty span).
    note(out, line_start + line.len(), line_start + line.len() + 1);
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use miette::NamedSource;

    #[derive(Debug, thiserror::Error, Diagnostic)]
    #[error("bad value `{value}`")]
    #[diagnostic(code(test::bad), help("fix `{value}`"))]
    struct Bad {
        value: String,
        #[source_code]
        src: NamedSource<String>,
        #[label("here")]
        at: SourceSpan,
    }

    fn render(d: &dyn Diagnostic) -> String {
        let style = super::super::human::Style {
            color: false,
            width: 100,
        };
        super::super::human::render_diagnostic(d, style)
    }

    #[test]
    fn a_label_past_column_65535_renders() {
        let text = format!("key: {}bad\n", "x".repeat(70_000));
        let at = SourceSpan::new((text.len() - 4).into(), 3);
        let out = render(&Bad {
            value: "bad".into(),
            src: NamedSource::new("long.yaml", text),
            at,
        });
        assert!(out.contains("[long.yaml:1:70006]"), "{out}");
        assert!(out.len() < 2_000, "{}", out.len());
        assert!(out.contains(" 1 │ …xxxx"), "{out}");
    }

    #[test]
    fn controls_and_lone_returns_are_escaped_and_counted() {
        let text = "a: 1\rb: 2\rc: \u{1b}[2J\rd: 4\r".to_string();
        let at = SourceSpan::new(13.into(), 4);
        let out = render(&Bad {
            value: "\r::warning::x\u{1b}]8;;".into(),
            src: NamedSource::new("cr\u{1b}.yaml", text),
            at,
        });
        assert!(!out.contains('\r') && !out.contains('\u{1b}'), "{out:?}");
        assert!(out.contains(" 3 │ c: \\e[2J"), "{out}");
        assert!(out.contains(" 2 │ b: 2"), "{out}");
        assert!(out.contains("[cr\\e.yaml:3:4]"), "{out}");
        assert!(out.contains("bad value `\\r::warning::x\\e]8;;`"), "{out}");
    }

    #[test]
    fn lines_split_like_the_parser() {
        assert_eq!(
            split_lines("a\r\nb\rc\n"),
            vec![(0, 1, true), (3, 4, true), (5, 6, true)]
        );
        assert_eq!(split_lines(""), vec![(0, 0, false)]);
    }
}
