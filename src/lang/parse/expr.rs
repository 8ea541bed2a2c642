//! Expressions and string templates of the rule language: precedence
//! climbing over `or`, `and`, `not`, comparisons and postfix paths, with the
//! nesting and height bounds checked as they grow.

use super::*;

// ---- expressions ----------------------------------------------------------

pub(super) fn too_deep(input: &In, depth: usize) -> Option<nom::Err<PErr>> {
    (depth > input.extra).then(|| {
        nom::Err::Failure(PErr {
            offset: offset(input),
            expected: Some(TOO_DEEP),
        })
    })
}

pub(super) fn expr(input: In, depth: usize) -> PResult<Expr> {
    if let Some(e) = too_deep(&input, depth) {
        return Err(e);
    }
    let (mut rest, mut lhs) = and_expr(input, depth)?;
    let mut height = bounds::height(&lhs);
    while let Ok((after, _)) = kw("or").parse(rest) {
        let (next, rhs) = cut(|i| and_expr(i, depth)).parse(after)?;
        height = grown(&after, height, &rhs)?;
        lhs = binary(BinOp::Or, lhs, rhs);
        rest = next;
    }
    Ok((rest, lhs))
}

/// The height of a chain after adding `rhs` (parsed at `at`) to one `height` high.
pub(super) fn grown(at: &In, height: usize, rhs: &Expr) -> Result<usize, nom::Err<PErr>> {
    let height = 1 + height.max(bounds::height(rhs));
    too_high(at, height)?;
    Ok(height)
}

/// Fails at `at` when a tree `height` high is past [`MAX_EXPR_HEIGHT`].
pub(super) fn too_high(at: &In, height: usize) -> Result<(), nom::Err<PErr>> {
    if height > MAX_EXPR_HEIGHT {
        return Err(nom::Err::Failure(PErr {
            offset: offset(at),
            expected: Some(TOO_HIGH),
        }));
    }
    Ok(())
}

/// An expression that is stored in the tree on its own (a clause's, a rule's,
/// a constant's, an interpolation's), parsed by `parser` at nesting depth 0 and
/// checked against [`MAX_EXPR_HEIGHT`] as a whole.
pub(super) fn top_expr<'a>(
    input: In<'a>,
    parser: impl Fn(In<'a>, usize) -> PResult<'a, Expr>,
) -> PResult<'a, Expr> {
    let (rest, e) = parser(input, 0)?;
    too_high(&input, bounds::height(&e))?;
    Ok((rest, e))
}

pub(super) fn binary(op: BinOp, lhs: Expr, rhs: Expr) -> Expr {
    let span = lhs.span.to(rhs.span);
    Expr {
        kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
        span,
    }
}

pub(super) fn and_expr(input: In, depth: usize) -> PResult<Expr> {
    let (mut rest, mut lhs) = not_expr(input, depth)?;
    let mut height = bounds::height(&lhs);
    while let Ok((after, _)) = kw("and").parse(rest) {
        let (next, rhs) = cut(|i| not_expr(i, depth)).parse(after)?;
        height = grown(&after, height, &rhs)?;
        lhs = binary(BinOp::And, lhs, rhs);
        rest = next;
    }
    Ok((rest, lhs))
}

pub(super) fn not_expr(input: In, depth: usize) -> PResult<Expr> {
    if let Some(e) = too_deep(&input, depth) {
        return Err(e);
    }
    if let Ok((rest, keyword)) = kw("not").parse(input) {
        let (rest, inner) = cut(|i| not_expr(i, depth + 1)).parse(rest)?;
        let span = token_span(&keyword).to(inner.span);
        return Ok((
            rest,
            Expr {
                kind: ExprKind::Not(Box::new(inner)),
                span,
            },
        ));
    }
    cmp_expr(input, depth)
}

pub(super) fn cmp_op(input: In) -> PResult<BinOp> {
    alt((
        value(BinOp::Eq, sym("==")),
        value(BinOp::Ne, sym("!=")),
        value(BinOp::Le, sym("<=")),
        value(BinOp::Ge, sym(">=")),
        value(BinOp::Lt, sym("<")),
        value(BinOp::Gt, sym(">")),
        value(BinOp::In, kw("in")),
        value(BinOp::NotIn, pair(kw("not"), kw("in"))),
    ))
    .parse(input)
}

pub(super) fn cmp_expr(input: In, depth: usize) -> PResult<Expr> {
    let (rest, lhs) = postfix(input, depth)?;
    if let Ok((after, _)) = kw("has").parse(rest) {
        let (after, field) = cut(expected("a field name", ident_any)).parse(after)?;
        let span = lhs.span.to(field.span);
        let kind = ExprKind::Has(Box::new(lhs), field);
        return Ok((after, Expr { kind, span }));
    }
    match cmp_op(rest) {
        Ok((after, op)) => {
            let (after, rhs) = cut(|i| postfix(i, depth)).parse(after)?;
            Ok((after, binary(op, lhs, rhs)))
        }
        Err(_) => Ok((rest, lhs)),
    }
}

pub(super) fn postfix(input: In, depth: usize) -> PResult<Expr> {
    let (mut rest, mut base) = primary(input, depth)?;
    let mut height = bounds::height(&base);
    while let Ok((after, _)) = tag::<_, _, PErr>(".").parse(rest) {
        height += 1;
        too_high(&after, height)?;
        let (after, field) = cut(expected("a field name after `.`", ident_any)).parse(after)?;
        let span = base.span.to(field.span);
        base = Expr {
            kind: ExprKind::Field(Box::new(base), field),
            span,
        };
        rest = after;
    }
    Ok((rest, base))
}

pub(super) fn primary(input: In, depth: usize) -> PResult<Expr> {
    if let Some(e) = too_deep(&input, depth) {
        return Err(e);
    }
    expected(
        "an expression",
        alt((
            |i| literal_expr(i, depth),
            |i| list_expr(i, depth),
            |i| paren_expr(i, depth),
            |i| call_or_name(i, depth),
        )),
    )
    .parse(input)
}

/// A literal: date, number, string or boolean.
pub(super) fn literal_expr(input: In, depth: usize) -> PResult<Expr> {
    let start = input;
    let (end, kind) = alt((
        date_literal,
        number_literal,
        map(|i| template(i, depth), ExprKind::Str),
        map(bool_word, ExprKind::Bool),
    ))
    .parse(input)?;
    let (rest, _) = ws(end)?;
    Ok((
        rest,
        Expr {
            kind,
            span: span_from(&start, &end),
        },
    ))
}

pub(super) fn bool_word(input: In) -> PResult<bool> {
    let (rest, w) = word(input)?;
    match *w.fragment() {
        "true" => Ok((rest, true)),
        "false" => Ok((rest, false)),
        _ => Err(nom::Err::Error(PErr {
            offset: offset(&input),
            expected: None,
        })),
    }
}

pub(super) fn date_literal(input: In) -> PResult<ExprKind> {
    let (rest, text) = recognize((digit4, char('-'), digit2, char('-'), digit2)).parse(input)?;
    match crate::date::parse_date(text.fragment()) {
        Some(days) => Ok((rest, ExprKind::Date(days))),
        None => Err(nom::Err::Failure(PErr {
            offset: offset(&input),
            expected: Some("a real date (YYYY-MM-DD)"),
        })),
    }
}

pub(super) fn digit4(input: In) -> PResult<In> {
    recognize((digit, digit, digit, digit)).parse(input)
}

pub(super) fn digit2(input: In) -> PResult<In> {
    recognize((digit, digit)).parse(input)
}

pub(super) fn digit(input: In) -> PResult<char> {
    satisfy(|c| c.is_ascii_digit()).parse(input)
}

pub(super) fn number_literal(input: In) -> PResult<ExprKind> {
    let (rest, text) = recognize(pair(
        pair(opt(char('-')), digit1),
        opt(pair(char('.'), digit1)),
    ))
    .parse(input)?;
    // A number must not run on into a name (`3abc`).
    if peek(satisfy::<_, _, PErr>(is_name_char))
        .parse(rest)
        .is_ok()
    {
        return Err(nom::Err::Error(PErr {
            offset: offset(&input),
            expected: None,
        }));
    }
    let text = text.fragment();
    let kind = if text.contains('.') {
        text.parse().ok().map(ExprKind::Num)
    } else {
        text.parse().ok().map(ExprKind::Int)
    };
    match kind {
        Some(kind) => Ok((rest, kind)),
        None => Err(nom::Err::Failure(PErr {
            offset: offset(&input),
            expected: Some("a number that fits in 64 bits"),
        })),
    }
}

pub(super) fn list_expr(input: In, depth: usize) -> PResult<Expr> {
    let start = input;
    let (rest, _) = sym("[").parse(input)?;
    let (rest, items) = separated_list0(sym(","), |i| expr(i, depth + 1)).parse(rest)?;
    let (end, _) = cut(expected("`,` or `]`", tag("]"))).parse(rest)?;
    let (rest, _) = ws(end)?;
    Ok((
        rest,
        Expr {
            kind: ExprKind::List(items),
            span: span_from(&start, &end),
        },
    ))
}

pub(super) fn paren_expr(input: In, depth: usize) -> PResult<Expr> {
    let start = input;
    let (rest, _) = sym("(").parse(input)?;
    let (rest, mut inner) = cut(|i| filter_or_expr(i, depth + 1)).parse(rest)?;
    let (end, _) = cut(expected("`)`", tag(")"))).parse(rest)?;
    let (rest, _) = ws(end)?;
    // The parenthesised expression keeps the span of its parentheses so
    // diagnostics underline what the author wrote.
    inner.span = span_from(&start, &end);
    Ok((rest, inner))
}

/// `x in collection where cond`, or an ordinary expression.
pub(super) fn filter_or_expr(input: In, depth: usize) -> PResult<Expr> {
    if let Ok(ok) = filter(input, depth) {
        return Ok(ok);
    }
    expr(input, depth)
}

pub(super) fn filter(input: In, depth: usize) -> PResult<Expr> {
    let (rest, var) = name(input)?;
    let (rest, _) = kw("in").parse(rest)?;
    let (rest, collection) = postfix(rest, depth)?;
    let (rest, _) = kw("where").parse(rest)?;
    let (rest, cond) = cut(|i| expr(i, depth)).parse(rest)?;
    let span = var.span.to(cond.span);
    let kind = ExprKind::Filter {
        var,
        collection: Box::new(collection),
        cond: Box::new(cond),
    };
    Ok((rest, Expr { kind, span }))
}

pub(super) fn call_or_name(input: In, depth: usize) -> PResult<Expr> {
    let (rest, id) = name(input)?;
    let Ok((after, _)) = sym("(").parse(rest) else {
        let span = id.span;
        return Ok((
            rest,
            Expr {
                kind: ExprKind::Name(id),
                span,
            },
        ));
    };
    let (after, args) = separated_list0(sym(","), |i| filter_or_expr(i, depth + 1)).parse(after)?;
    let (end, _) = cut(expected("`,` or `)`", tag(")"))).parse(after)?;
    let span = Span::new(id.span.start, offset(&end));
    let (rest, _) = ws(end)?;
    Ok((
        rest,
        Expr {
            kind: ExprKind::Call(id, args),
            span,
        },
    ))
}

// ---- string templates -----------------------------------------------------

/// A template followed by white space.
pub(super) fn template_ws(input: In) -> PResult<Template> {
    let (rest, t) = template(input, 0)?;
    let (rest, _) = ws(rest)?;
    Ok((rest, t))
}

/// `"text {expr} text"`; `{{` and `}}` stand for braces, `\"` and `\\` for themselves.
pub(super) fn template(input: In, depth: usize) -> PResult<Template> {
    let start = input;
    let (mut rest, _) = char('"').parse(input)?;
    let mut parts = Vec::new();
    let mut text = String::new();
    loop {
        let mut chars = rest.fragment().chars();
        let Some(c) = chars.next() else {
            return Err(nom::Err::Failure(PErr {
                offset: offset(&start),
                expected: Some("a closing `\"`"),
            }));
        };
        let next = chars.next();
        match (c, next) {
            ('"', _) => {
                let (end, _) = char('"').parse(rest)?;
                if !text.is_empty() {
                    parts.push(TemplatePart::Text(std::mem::take(&mut text)));
                }
                let span = span_from(&start, &end);
                return Ok((end, Template { parts, span }));
            }
            ('\n', _) => {
                return Err(nom::Err::Failure(PErr {
                    offset: offset(&rest),
                    expected: Some("a closing `\"` on the same line"),
                }))
            }
            ('\\', Some(e @ ('"' | '\\'))) | ('{', Some(e @ '{')) | ('}', Some(e @ '}')) => {
                text.push(e);
                rest = take_chars(rest, 2)?;
            }
            ('{', _) => {
                if !text.is_empty() {
                    parts.push(TemplatePart::Text(std::mem::take(&mut text)));
                }
                let (after, _) = sym("{").parse(rest)?;
                let (after, e) = cut(|i| top_expr(i, |i, _| expr(i, depth + 1))).parse(after)?;
                let (after, _) =
                    cut(expected("`}` closing the interpolation", tag("}"))).parse(after)?;
                parts.push(TemplatePart::Expr(e));
                rest = after;
            }
            (c, _) => {
                text.push(c);
                rest = take_chars(rest, 1)?;
            }
        }
    }
}

pub(super) fn take_chars(input: In, n: usize) -> Result<In, nom::Err<PErr>> {
    let len: usize = input.fragment().chars().take(n).map(char::len_utf8).sum();
    let (rest, _) = nom::bytes::complete::take(len).parse(input)?;
    Ok(rest)
}
