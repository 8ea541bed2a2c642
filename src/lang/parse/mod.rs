//! The rule-language parser (nom).
//!
//! Grammar (`#` starts a comment that runs to the end of the line):
//!
//! ```text
//! file      := item*
//! item      := enum | entity | record | root | const | rule | plan
//! enum      := "enum" NAME "{" NAME ("," ? NAME)* "}"
//! entity    := "entity" NAME "in" NAME "{" field* "}"
//! record    := "record" NAME "{" field* "}"
//! root      := "root" "{" field* "}"
//! field     := NAME ":" type "?"? ("=" literal)? modifier*
//! type      := NAME | "[" type "]" | "inverse" NAME "." NAME
//! modifier  := "nonempty" | "nocase" | "min" number
//! const     := "let" NAME "=" expr
//! plan      := "plan" NAME "{" (NAME ":" path (("=" | "in") path)?)* "}"
//! path      := NAME ("." NAME)*
//! rule      := "rule" RULE_ID ":" ("error" | "warning") STRING clause*
//!              ("require" | "forbid") expr "else" postfix ("at" postfix ("," postfix)*)? ":" STRING
//!              ("fix" STRING)? ("related" expr ("," expr)*)?
//! clause    := "for" NAME "in" expr ("where" expr)? | "let" NAME "=" expr | "where" expr
//! expr      := and ("or" and)*
//! and       := not ("and" not)*
//! not       := "not" not | cmp
//! cmp       := postfix (("=="|"!="|"<="|">="|"<"|">"|"in"|"not" "in") postfix | "has" NAME)?
//! postfix   := primary ("." NAME)*
//! primary   := DATE | NUMBER | STRING | "true" | "false" | "[" (expr ("," expr)*)? "]"
//!            | NAME "(" args ")" | NAME | "(" (filter | expr) ")"
//! args      := (filter | expr) ("," (filter | expr))*
//! filter    := NAME "in" postfix "where" expr
//! ```
//!
//! The nom error type stays private; [`parse_rule_file`] converts it once into a
//! [`RuleSyntaxError`].

use nom::branch::alt;
use nom::bytes::complete::{tag, take_while};
use nom::character::complete::{char, digit1, multispace1, not_line_ending, satisfy};
use nom::combinator::{all_consuming, cut, map, opt, peek, recognize, value};
use nom::error::{ContextError, ErrorKind, ParseError};
use nom::multi::{many0, separated_list0, separated_list1};
use nom::sequence::{delimited, pair, preceded};
use nom::{Finish, IResult, Parser};
use nom_locate::LocatedSpan;

use super::ast::*;
use super::bounds::{self, MAX_EXPR_HEIGHT, MAX_RULE_CLAUSES, TOO_HIGH, TOO_MANY_CLAUSES};
use super::error::RuleSyntaxError;
use crate::source::{SourceFile, Span};

/// The input: the text, with the nesting limit carried along in `extra`.
type In<'a> = LocatedSpan<&'a str, usize>;
type PResult<'a, T> = IResult<In<'a>, T, PErr>;

/// Words that cannot name a variable, constant or field in expressions.
const KEYWORDS: &[&str] = &[
    "and", "or", "not", "in", "has", "where", "for", "let", "require", "forbid", "else", "fix",
    "related", "rule", "true", "false",
];

pub(crate) use super::bounds::{MAX_EXPR_DEPTH, MAX_EXPR_DEPTH_CEILING, TOO_DEEP, TYPE_TOO_DEEP};

/// The private nom error: the furthest position reached and what was expected there.
#[derive(Debug)]
struct PErr {
    offset: usize,
    expected: Option<&'static str>,
}

impl<'a> ParseError<In<'a>> for PErr {
    fn from_error_kind(input: In<'a>, _kind: ErrorKind) -> Self {
        PErr {
            offset: input.location_offset(),
            expected: None,
        }
    }

    fn append(_input: In<'a>, _kind: ErrorKind, other: Self) -> Self {
        other
    }

    fn or(self, other: Self) -> Self {
        // Keep the alternative that got furthest: it is the one the author meant.
        if other.offset >= self.offset {
            other
        } else {
            self
        }
    }
}

impl<'a> ContextError<In<'a>> for PErr {
    fn add_context(input: In<'a>, ctx: &'static str, mut other: Self) -> Self {
        if other.expected.is_none() || other.offset <= input.location_offset() {
            other.expected = Some(ctx);
            other.offset = other.offset.max(input.location_offset());
        }
        other
    }
}

fn expected<'a, T>(
    what: &'static str,
    mut parser: impl Parser<In<'a>, Output = T, Error = PErr>,
) -> impl Parser<In<'a>, Output = T, Error = PErr> {
    move |input: In<'a>| match parser.parse(input) {
        Ok(ok) => Ok(ok),
        Err(nom::Err::Error(e)) if e.offset <= input.location_offset() => {
            Err(nom::Err::Error(PErr {
                offset: input.location_offset(),
                expected: Some(what),
            }))
        }
        Err(nom::Err::Failure(e)) if e.offset <= input.location_offset() => {
            Err(nom::Err::Failure(PErr {
                offset: input.location_offset(),
                expected: Some(what),
            }))
        }
        Err(other) => Err(other),
    }
}

/// Parses a whole rule file with the default nesting limit.
pub fn parse_rule_file(source: &SourceFile) -> Result<RuleFile, RuleSyntaxError> {
    parse_rule_file_with(source, MAX_EXPR_DEPTH)
}

/// Parses a whole rule file, allowing expressions nested `max_depth` deep (at
/// most [`MAX_EXPR_DEPTH_CEILING`]).
pub(crate) fn parse_rule_file_with(
    source: &SourceFile,
    max_depth: usize,
) -> Result<RuleFile, RuleSyntaxError> {
    let input = In::new_extra(&source.text, max_depth.min(MAX_EXPR_DEPTH_CEILING));
    let result = all_consuming(delimited(ws, many0(item), ws))
        .parse(input)
        .finish();
    match result {
        Ok((_, items)) => Ok(RuleFile { items }),
        Err(e) => Err(RuleSyntaxError::new(source, e.offset, e.expected)),
    }
}

// ---- lexical helpers -------------------------------------------------------

fn comment(input: In) -> PResult<In> {
    recognize(pair(char('#'), not_line_ending)).parse(input)
}

/// Skips white space and comments.
fn ws(input: In) -> PResult<()> {
    value((), many0(alt((multispace1, comment)))).parse(input)
}

fn offset(input: &In) -> usize {
    input.location_offset()
}

fn span_from(start: &In, end: &In) -> Span {
    Span::new(offset(start), offset(end))
}

fn is_name_start(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_uppercase() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// A word made of name characters, keywords included.
fn word(input: In) -> PResult<In> {
    recognize(pair(satisfy(is_name_start), take_while(is_name_char))).parse(input)
}

/// A keyword, followed by white space; it must not run on into a longer name.
fn kw<'a>(keyword: &'static str) -> impl Parser<In<'a>, Output = In<'a>, Error = PErr> {
    move |input: In<'a>| {
        let (rest, w) = word(input)?;
        if *w.fragment() == keyword {
            let (rest, _) = ws(rest)?;
            Ok((rest, w))
        } else {
            Err(nom::Err::Error(PErr {
                offset: offset(&input),
                expected: Some(keyword),
            }))
        }
    }
}

/// Punctuation followed by white space.
fn sym<'a>(s: &'static str) -> impl Parser<In<'a>, Output = In<'a>, Error = PErr> {
    move |input: In<'a>| {
        let (rest, t) = tag(s).parse(input)?;
        let (rest, _) = ws(rest)?;
        Ok((rest, t))
    }
}

fn ident_any(input: In) -> PResult<Ident> {
    let (rest, w) = word(input)?;
    let ident = Ident {
        name: w.fragment().to_string(),
        span: span_from(&input, &rest),
    };
    let (rest, _) = ws(rest)?;
    Ok((rest, ident))
}

/// A name that is not a keyword.
fn name(input: In) -> PResult<Ident> {
    let (rest, id) = ident_any(input)?;
    if KEYWORDS.contains(&id.name.as_str()) {
        return Err(nom::Err::Error(PErr {
            offset: offset(&input),
            expected: Some("a name"),
        }));
    }
    Ok((rest, id))
}

/// A rule id: lowercase words joined by `-`.
fn rule_id(input: In) -> PResult<Ident> {
    let (rest, w) = recognize(pair(
        satisfy(|c| c.is_ascii_lowercase()),
        take_while(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_'),
    ))
    .parse(input)?;
    let id = Ident {
        name: w.fragment().to_string(),
        span: span_from(&input, &rest),
    };
    let (rest, _) = ws(rest)?;
    Ok((rest, id))
}

// ---- items ----------------------------------------------------------------

fn item(input: In) -> PResult<Item> {
    expected(
        "`enum`, `entity`, `record`, `root`, `let`, `rule` or `plan`",
        alt((
            map(enum_decl, Item::Enum),
            map(kind_decl, Item::Kind),
            map(root_decl, Item::Root),
            map(const_decl, Item::Const),
            map(rule_decl, |r| Item::Rule(Box::new(r))),
            map(plan_decl, Item::Plan),
        )),
    )
    .parse(input)
}

fn enum_decl(input: In) -> PResult<EnumDecl> {
    let start = input;
    let (rest, _) = kw("enum").parse(input)?;
    let (rest, enum_name) = cut(expected("an enum name", name)).parse(rest)?;
    let (rest, _) = cut(expected("`{`", sym("{"))).parse(rest)?;
    let (rest, variants) = many0(|i| {
        let (i, v) = name(i)?;
        let (i, _) = opt(sym(",")).parse(i)?;
        Ok((i, v))
    })
    .parse(rest)?;
    let (end, _) = cut(expected("an enum value or `}`", tag("}"))).parse(rest)?;
    let (rest, _) = ws(end)?;
    let span = span_from(&start, &end);
    Ok((
        rest,
        EnumDecl {
            name: enum_name,
            variants,
            span,
        },
    ))
}

fn kind_decl(input: In) -> PResult<KindDecl> {
    let start = input;
    let (rest, keyword) = alt((kw("entity"), kw("record"))).parse(input)?;
    let (rest, kind_name) = cut(expected("a kind name", name)).parse(rest)?;
    let (rest, form) = if *keyword.fragment() == "entity" {
        let (rest, _) = cut(expected("`in` and the root collection", kw("in"))).parse(rest)?;
        let (rest, collection) = cut(expected("a collection name", name)).parse(rest)?;
        (rest, KindForm::Entity { collection })
    } else {
        (rest, KindForm::Record)
    };
    let (end, fields) = field_block(rest)?;
    let (rest, _) = ws(end)?;
    let decl = KindDecl {
        form,
        name: kind_name,
        fields,
        span: span_from(&start, &end),
    };
    Ok((rest, decl))
}

fn root_decl(input: In) -> PResult<RootDecl> {
    let start = input;
    let (rest, _) = kw("root").parse(input)?;
    let (end, fields) = field_block(rest)?;
    let (rest, _) = ws(end)?;
    let span = span_from(&start, &end);
    Ok((rest, RootDecl { fields, span }))
}

/// `plan NAME { entry* }`
fn plan_decl(input: In) -> PResult<PlanDecl> {
    let start = input;
    let (rest, _) = kw("plan").parse(input)?;
    let (rest, collection) = cut(expected("a collection name", name)).parse(rest)?;
    let (rest, _) = cut(expected("`{`", sym("{"))).parse(rest)?;
    let (rest, entries) = many0(plan_entry).parse(rest)?;
    let (end, _) = cut(expected("a plan entry or `}`", tag("}"))).parse(rest)?;
    let (rest, _) = ws(end)?;
    let span = span_from(&start, &end);
    Ok((
        rest,
        PlanDecl {
            collection,
            entries,
            span,
        },
    ))
}

/// `key: path`, `key: path = path` or `key: path in path`.
fn plan_entry(input: In) -> PResult<PlanEntry> {
    let start = input;
    let (rest, key) = name(input)?;
    let (rest, _) = cut(expected("`:` and a path", sym(":"))).parse(rest)?;
    let (rest, target) = cut(plan_path).parse(rest)?;
    let (rest, op) = opt(alt((
        value(PlanOp::Is, sym("=")),
        value(PlanOp::In, kw("in")),
    )))
    .parse(rest)?;
    let (rest, rhs) = match op {
        Some(op) => {
            let (rest, path) = cut(plan_path).parse(rest)?;
            (rest, Some((op, path)))
        }
        None => (rest, None),
    };
    let end = last_token_end(&start, &rest);
    let entry = PlanEntry {
        key,
        target,
        value: rhs,
        span: Span::new(offset(&start), end),
    };
    Ok((rest, entry))
}

/// `NAME ("." NAME)*`, without white space around the dots.
fn plan_path(input: In) -> PResult<Vec<Ident>> {
    let (mut rest, first) = expected("a name", plan_name).parse(input)?;
    let mut path = vec![first];
    while let Ok((after, _)) = tag::<_, _, PErr>(".").parse(rest) {
        let (after, next) = cut(expected("a name after `.`", plan_name)).parse(after)?;
        path.push(next);
        rest = after;
    }
    let (rest, _) = ws(rest)?;
    Ok((rest, path))
}

/// A name inside a plan path: no white space after it (a `.` may follow).
fn plan_name(input: In) -> PResult<Ident> {
    let (rest, w) = word(input)?;
    let ident = Ident {
        name: w.fragment().to_string(),
        span: span_from(&input, &rest),
    };
    Ok((rest, ident))
}

/// `{ field* }`, returning the input just after `}` (before white space).
fn field_block(input: In) -> PResult<Vec<FieldDecl>> {
    let (rest, _) = cut(expected("`{`", sym("{"))).parse(input)?;
    let (rest, fields) = many0(field_decl).parse(rest)?;
    let (end, _) = cut(expected("a field or `}`", tag("}"))).parse(rest)?;
    Ok((end, fields))
}

fn field_decl(input: In) -> PResult<FieldDecl> {
    let start = input;
    let (rest, field_name) = ident_any(input)?;
    let (rest, _) = cut(expected("`:` and a type", sym(":"))).parse(rest)?;
    let (rest, ty) = cut(|i| type_expr(i, 0)).parse(rest)?;
    let (rest, optional) = map(opt(sym("?")), |q| q.is_some()).parse(rest)?;
    let (rest, default) = opt(preceded(sym("="), cut(default_value))).parse(rest)?;
    let (rest, modifiers) = many0(modifier).parse(rest)?;
    let end = last_token_end(&start, &rest);
    let decl = FieldDecl {
        name: field_name,
        ty,
        optional,
        default,
        modifiers,
        span: Span::new(offset(&start), end),
    };
    Ok((rest, decl))
}

/// The end of the last token before `rest`, trailing white space and comments excluded.
fn last_token_end(start: &In, rest: &In) -> usize {
    let consumed_len = offset(rest) - offset(start);
    let consumed = &start.fragment()[..consumed_len.min(start.fragment().len())];
    let trimmed = strip_trailing_trivia(consumed);
    offset(start) + trimmed.len()
}

fn strip_trailing_trivia(text: &str) -> &str {
    let mut end = text.len();
    loop {
        let head = text[..end].trim_end();
        // A trailing comment: drop it when its `#` starts the comment on its line.
        let line_start = head.rfind('\n').map_or(0, |i| i + 1);
        match comment_start(&head[line_start..]) {
            Some(pos) => end = line_start + pos,
            None => return head,
        }
    }
}

/// Position of a `#` that starts a comment (outside string literals) on one line.
fn comment_start(line: &str) -> Option<usize> {
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '#' if !in_string => return Some(i),
            _ => {}
        }
    }
    None
}

fn type_expr(input: In, depth: usize) -> PResult<TypeExpr> {
    if depth > input.extra {
        return Err(nom::Err::Failure(PErr {
            offset: offset(&input),
            expected: Some(TYPE_TOO_DEEP),
        }));
    }
    let start = input;
    if let Ok((rest, _)) = sym("[").parse(input) {
        let (rest, inner) = cut(|i| type_expr(i, depth + 1)).parse(rest)?;
        let (end, _) = cut(expected("`]`", tag("]"))).parse(rest)?;
        let (rest, _) = ws(end)?;
        return Ok((
            rest,
            TypeExpr::List(Box::new(inner), span_from(&start, &end)),
        ));
    }
    if let Ok((rest, _)) = kw("inverse").parse(input) {
        let (rest, kind) = cut(expected("a kind name", name)).parse(rest)?;
        let (rest, _) = cut(expected("`.`", tag("."))).parse(rest)?;
        let (end, field) = cut(expected("a field name", word)).parse(rest)?;
        let field = Ident {
            name: field.fragment().to_string(),
            span: span_from(&rest, &end),
        };
        let (rest, _) = ws(end)?;
        let span = span_from(&start, &end);
        return Ok((rest, TypeExpr::Inverse { kind, field, span }));
    }
    map(expected("a type", name), TypeExpr::Named).parse(input)
}

/// A field default: a literal, a name (an enum value or `today`) or `[]`.
fn default_value(input: In) -> PResult<Expr> {
    expected(
        "a default value",
        alt((
            |i| literal_expr(i, 0),
            |i| top_expr(i, list_expr),
            map(name, |id| {
                let span = id.span;
                Expr {
                    kind: ExprKind::Name(id),
                    span,
                }
            }),
        )),
    )
    .parse(input)
}

fn modifier(input: In) -> PResult<Modifier> {
    alt((
        map(kw("nonempty"), |k| Modifier::NonEmpty(token_span(&k))),
        map(kw("nocase"), |k| Modifier::NoCase(token_span(&k))),
        map(
            preceded(kw("min"), cut(|i| literal_expr(i, 0))),
            Modifier::Min,
        ),
        required_if,
    ))
    .parse(input)
}

/// `required if field == value`
fn required_if(input: In) -> PResult<Modifier> {
    let start = input;
    let (rest, _) = kw("required").parse(input)?;
    let (rest, _) = cut(expected("`if`", kw("if"))).parse(rest)?;
    let (rest, field) = cut(expected("a field name", name)).parse(rest)?;
    let (rest, _) = cut(expected("`==`", sym("=="))).parse(rest)?;
    let (rest, value) = cut(expected("an enum value", name)).parse(rest)?;
    let span = Span::new(offset(&start), value.span.end);
    Ok((rest, Modifier::RequiredIf { field, value, span }))
}

fn token_span(token: &In) -> Span {
    Span::new(offset(token), offset(token) + token.fragment().len())
}

fn const_decl(input: In) -> PResult<ConstDecl> {
    let start = input;
    let (rest, _) = kw("let").parse(input)?;
    let (rest, const_name) = cut(expected("a constant name", name)).parse(rest)?;
    let (rest, _) = cut(expected("`=`", sym("="))).parse(rest)?;
    let (rest, value) = cut(|i| top_expr(i, expr)).parse(rest)?;
    let span = Span::new(offset(&start), value.span.end);
    Ok((
        rest,
        ConstDecl {
            name: const_name,
            value,
            span,
        },
    ))
}

fn severity(input: In) -> PResult<Severity> {
    expected(
        "`error` or `warning`",
        alt((
            value(Severity::Error, kw("error")),
            value(Severity::Warning, kw("warning")),
        )),
    )
    .parse(input)
}

fn rule_decl(input: In) -> PResult<RuleDecl> {
    let start = input;
    let (rest, _) = kw("rule").parse(input)?;
    let (rest, id) = cut(expected("a rule id such as `my-rule`", rule_id)).parse(rest)?;
    let (rest, _) = cut(expected("`:` and a severity", sym(":"))).parse(rest)?;
    let (rest, severity) = cut(severity).parse(rest)?;
    let (rest, summary) = cut(expected("a quoted one-line summary", template_ws)).parse(rest)?;
    let (rest, clauses) = clauses(rest)?;
    let (rest, keyword) = cut(expected(
        "`for`, `let`, `where`, `require` or `forbid`",
        alt((kw("require"), kw("forbid"))),
    ))
    .parse(rest)?;
    let forbid = *keyword.fragment() == "forbid";
    let (rest, require) = cut(|i| top_expr(i, expr)).parse(rest)?;
    let (rest, _) = cut(expected("`else` and the subject", kw("else"))).parse(rest)?;
    let (rest, subject) = cut(|i| top_expr(i, postfix)).parse(rest)?;
    let (rest, places) = opt(preceded(
        kw("at"),
        cut(separated_list1(sym(","), |i| top_expr(i, postfix))),
    ))
    .parse(rest)?;
    let (rest, _) = cut(expected("`at`, or `:` and the message", sym(":"))).parse(rest)?;
    let (rest, message) = cut(expected("a quoted message", template_ws)).parse(rest)?;
    let (rest, fix) = opt(preceded(
        kw("fix"),
        cut(expected("a quoted fix", template_ws)),
    ))
    .parse(rest)?;
    let (rest, related) = opt(preceded(
        kw("related"),
        cut(separated_list1(sym(","), |i| top_expr(i, expr))),
    ))
    .parse(rest)?;
    let end = last_token_end(&start, &rest);
    let rule = RuleDecl {
        id,
        severity,
        summary,
        clauses,
        require,
        forbid,
        subject,
        places: places.unwrap_or_default(),
        message,
        fix,
        related: related.unwrap_or_default(),
        span: Span::new(offset(&start), end),
    };
    Ok((rest, rule))
}

/// A rule's clauses, at most [`MAX_RULE_CLAUSES`] of them.
fn clauses(mut rest: In) -> PResult<Vec<Clause>> {
    let mut out = Vec::new();
    loop {
        match clause(rest) {
            Ok((after, c)) => {
                if out.len() == MAX_RULE_CLAUSES {
                    return Err(nom::Err::Failure(PErr {
                        offset: offset(&rest),
                        expected: Some(TOO_MANY_CLAUSES),
                    }));
                }
                out.push(c);
                rest = after;
            }
            Err(nom::Err::Error(_)) => return Ok((rest, out)),
            Err(e) => return Err(e),
        }
    }
}

fn clause(input: In) -> PResult<Clause> {
    alt((for_clause, let_clause, where_clause)).parse(input)
}

fn for_clause(input: In) -> PResult<Clause> {
    let (rest, _) = kw("for").parse(input)?;
    let (rest, var) = cut(expected("a variable name", name)).parse(rest)?;
    let (rest, _) = cut(expected("`in`", kw("in"))).parse(rest)?;
    let (rest, collection) = cut(|i| top_expr(i, postfix)).parse(rest)?;
    let (rest, filter) = opt(preceded(kw("where"), cut(|i| top_expr(i, expr)))).parse(rest)?;
    Ok((
        rest,
        Clause::For {
            var,
            collection,
            filter,
        },
    ))
}

fn let_clause(input: In) -> PResult<Clause> {
    let (rest, _) = kw("let").parse(input)?;
    let (rest, var) = cut(expected("a variable name", name)).parse(rest)?;
    let (rest, _) = cut(expected("`=`", sym("="))).parse(rest)?;
    let (rest, value) = cut(|i| top_expr(i, filter_or_expr)).parse(rest)?;
    Ok((rest, Clause::Let { var, value }))
}

fn where_clause(input: In) -> PResult<Clause> {
    map(
        preceded(kw("where"), cut(|i| top_expr(i, expr))),
        Clause::Where,
    )
    .parse(input)
}

mod expr;
use expr::*;

#[cfg(test)]
mod tests;
