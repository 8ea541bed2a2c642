//! `eligo fmt` properties: the formatted file parses to the same syntax tree,
//! formatting twice changes nothing, and every comment survives in order.
//!
//! Checked over generated rule files (a small grammar of enums, kinds, constants
//! and rules, with white space, blank lines and comments between any two tokens,
//! and `#` inside string literals) and over every rule file in the repository.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use eligo::internals::lang::ast::RuleFile;
use eligo::internals::lang::fmt::{collect_comments, format_source};
use eligo::internals::lang::parse::parse_rule_file;
use eligo::internals::SourceFile;
use proptest::prelude::*;
use proptest::strategy::Union;

fn parse(text: &str) -> RuleFile {
    parse_rule_file(&SourceFile::new("gen.rules", text))
        .unwrap_or_else(|e| panic!("does not parse: {e:?}\n{text}"))
}

fn format(text: &str) -> String {
    format_source(&SourceFile::new("gen.rules", text)).expect("formats")
}

fn comment_texts(text: &str) -> Vec<String> {
    collect_comments(text, &parse(text))
        .into_iter()
        .map(|c| c.text)
        .collect()
}

// ---- a token-level generator ------------------------------------------------

type Tokens = Vec<String>;

fn toks(parts: &[&str]) -> Tokens {
    parts.iter().map(|s| s.to_string()).collect()
}

fn cat(parts: Vec<Tokens>) -> Tokens {
    parts.into_iter().flatten().collect()
}

fn paren(t: Tokens) -> Tokens {
    cat(vec![toks(&["("]), t, toks(&[")"])])
}

fn name() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["a", "b", "open", "x", "s", "region_1"]).prop_map(String::from)
}

fn path() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["s.offer", "t.to.region", "x.y", "c.mca.via", "t"])
        .prop_map(String::from)
}

fn string_literal() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "\"plain\"",
        "\"has # hash\"",
        "\"{x.id} # {y}\"",
        "\"esc \\\" quote # x\"",
        "\"\"",
    ])
    .prop_map(String::from)
}

fn leaf() -> impl Strategy<Value = Tokens> {
    prop_oneof![
        name().prop_map(|n| vec![n]),
        path().prop_map(|p| vec![p]),
        prop::sample::select(vec![
            "3",
            "-7",
            "300000",
            "0.5",
            "2.25",
            "2020-02-01",
            "true",
            "false"
        ])
        .prop_map(|s| vec![s.to_string()]),
        string_literal().prop_map(|s| vec![s]),
        Just(toks(&["[", "]"])),
        (name(), name()).prop_map(|(a, b)| toks(&["[", &a, ",", &b, "]"])),
    ]
}

fn expr() -> impl Strategy<Value = Tokens> {
    leaf().prop_recursive(4, 32, 4, |inner| {
        let op = prop::sample::select(vec![
            vec!["or"],
            vec!["and"],
            vec!["=="],
            vec!["!="],
            vec!["<"],
            vec!["<="],
            vec![">"],
            vec![">="],
            vec!["in"],
            vec!["not", "in"],
        ]);
        Union::new(vec![
            (inner.clone(), op, inner.clone())
                .prop_map(|(l, op, r)| cat(vec![paren(l), toks(&op), paren(r)]))
                .boxed(),
            inner
                .clone()
                .prop_map(|e| cat(vec![toks(&["not"]), paren(e)]))
                .boxed(),
            inner
                .clone()
                .prop_map(|e| cat(vec![paren(e), toks(&["has", "field"])]))
                .boxed(),
            inner
                .clone()
                .prop_map(|e| cat(vec![paren(e), toks(&[".", "f"])]).concat_dot())
                .boxed(),
            (name(), inner.clone())
                .prop_map(|(f, e)| cat(vec![toks(&[&f, "("]), e, toks(&[")"])]))
                .boxed(),
            (inner.clone(), inner.clone())
                .prop_map(|(a, b)| cat(vec![toks(&["["]), a, toks(&[","]), b, toks(&["]"])]))
                .boxed(),
            (name(), path(), inner.clone())
                .prop_map(|(v, c, e)| {
                    cat(vec![
                        toks(&["any", "(", &v, "in", &c, "where"]),
                        e,
                        toks(&[")"]),
                    ])
                })
                .boxed(),
            (name(), path(), inner)
                .prop_map(|(v, c, e)| paren(cat(vec![toks(&[&v, "in", &c, "where"]), e])))
                .boxed(),
        ])
    })
}

/// Glues `)` `.` `f` into `)` `.f`: no white space may precede a field name.
trait ConcatDot {
    fn concat_dot(self) -> Tokens;
}

impl ConcatDot for Tokens {
    fn concat_dot(mut self) -> Tokens {
        if let (Some(f), Some(dot)) = (self.pop(), self.pop()) {
            self.push(format!("{dot}{f}"));
        }
        self
    }
}

fn clause() -> impl Strategy<Value = Tokens> {
    prop_oneof![
        (name(), path(), prop::option::of(expr())).prop_map(|(v, c, f)| {
            let mut t = toks(&["for", &v, "in", &c]);
            if let Some(f) = f {
                t.push("where".into());
                t.extend(f);
            }
            t
        }),
        (name(), expr()).prop_map(|(v, e)| cat(vec![toks(&["let", &v, "="]), e])),
        (name(), name(), path(), expr()).prop_map(|(v, w, c, e)| {
            cat(vec![
                toks(&["let", &v, "=", "(", &w, "in", &c, "where"]),
                e,
                toks(&[")"]),
            ])
        }),
        expr().prop_map(|e| cat(vec![toks(&["where"]), e])),
    ]
}

fn rule() -> impl Strategy<Value = Tokens> {
    (
        prop::sample::select(vec!["r-one", "r-2", "my-rule"]),
        prop::bool::ANY,
        prop::collection::vec(clause(), 0..4),
        prop::bool::ANY,
        expr(),
        path(),
        string_literal(),
        prop::option::of(string_literal()),
        prop::collection::vec(path(), 0..3),
    )
        .prop_map(
            |(id, warn, clauses, forbid, cond, subj, msg, fix, related)| {
                let sev = if warn { "warning" } else { "error" };
                let mut t = toks(&["rule", id, ":", sev, "\"summary # not a comment\""]);
                t.extend(clauses.into_iter().flatten());
                t.push(if forbid { "forbid" } else { "require" }.into());
                t.extend(cond);
                t.extend(toks(&["else", &subj, ":", &msg]));
                if let Some(fix) = fix {
                    t.extend(toks(&["fix", &fix]));
                }
                for (i, r) in related.iter().enumerate() {
                    t.push(if i == 0 { "related" } else { "," }.into());
                    t.push(r.clone());
                }
                t
            },
        )
}

fn field() -> impl Strategy<Value = Tokens> {
    (
        name(),
        prop::sample::select(vec![
            vec!["string"],
            vec!["int"],
            vec!["[", "role", "]"],
            vec!["inverse", "item.subscription"],
        ]),
        prop::bool::ANY,
        prop::sample::select(vec![
            vec![],
            vec!["=", "1"],
            vec!["=", "[", "]"],
            vec!["=", "none"],
            vec!["=", "\"x # y\""],
            vec!["=", "2020-01-01"],
        ]),
        prop::sample::select(vec![
            vec![],
            vec!["nonempty"],
            vec!["nocase"],
            vec!["min", "0"],
            vec!["required", "if", "via", "==", "a"],
            vec!["nocase", "min", "-1"],
        ]),
    )
        .prop_map(|(n, ty, opt, default, mods)| {
            let mut t = toks(&[&n, ":"]);
            t.extend(toks(&ty));
            if opt {
                t.push("?".into());
            }
            t.extend(toks(&default));
            t.extend(toks(&mods));
            t
        })
}

fn item() -> impl Strategy<Value = Tokens> {
    prop_oneof![
        prop::collection::vec(name(), 0..30).prop_map(|vs| {
            let mut t = toks(&["enum", "e", "{"]);
            for (i, v) in vs.into_iter().enumerate() {
                t.push(format!("{v}{i}"));
                if i % 3 == 1 {
                    t.push(",".into());
                }
            }
            t.push("}".into());
            t
        }),
        (prop::bool::ANY, prop::collection::vec(field(), 0..4)).prop_map(|(entity, fields)| {
            let mut t = if entity {
                toks(&["entity", "k", "in", "ks", "{"])
            } else {
                toks(&["record", "r", "{"])
            };
            t.extend(fields.into_iter().flatten());
            t.push("}".into());
            t
        }),
        prop::collection::vec(field(), 0..3).prop_map(|fields| {
            let mut t = toks(&["root", "{"]);
            t.extend(fields.into_iter().flatten());
            t.push("}".into());
            t
        }),
        (name(), expr()).prop_map(|(n, e)| cat(vec![toks(&["let", &n, "="]), e])),
        rule(),
    ]
}

/// White space between two tokens; `\u{1}` marks where a numbered comment goes.
fn separator() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        " ",
        " ",
        " ",
        "  ",
        "\n",
        "\n  ",
        "\n\n",
        "\n\n\n  ",
        "\t",
        " \u{1}\n",
        "\n\u{1}\n",
        "\n\n  \u{1}\n\n",
    ])
}

const SUFFIXES: &[&str] = &["", " with \"quote\"", " has # hash", " {brace}", "   "];

/// A generated rule file and the number of comments in it.
fn rule_file() -> impl Strategy<Value = (String, usize)> {
    prop::collection::vec(item(), 0..5)
        .prop_flat_map(|items| {
            let tokens: Tokens = items.into_iter().flatten().collect();
            let n = tokens.len() + 1;
            (Just(tokens), prop::collection::vec(separator(), n))
        })
        .prop_map(|(tokens, seps)| {
            let mut text = String::new();
            let mut comments = 0;
            let mut put = |sep: &str, text: &mut String| {
                for ch in sep.chars() {
                    if ch == '\u{1}' {
                        let suffix = SUFFIXES[comments % SUFFIXES.len()];
                        text.push_str(&format!("# c{comments}_{suffix}"));
                        comments += 1;
                    } else {
                        text.push(ch);
                    }
                }
            };
            for (tok, sep) in tokens.iter().zip(&seps) {
                put(sep, &mut text);
                text.push_str(tok);
            }
            if let Some(last) = seps.last() {
                put(last, &mut text);
            }
            (text, comments)
        })
}

/// The numbers of the `# cN_` markers in `text`, in order.
fn markers(text: &str) -> Vec<usize> {
    text.match_indices("# c")
        .filter_map(|(i, _)| {
            let rest = &text[i + 3..];
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            rest[digits.len()..]
                .starts_with('_')
                .then(|| digits.parse().ok())
                .flatten()
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(std::env::var("FMT_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(256)))]

    #[test]
    fn formatting_keeps_the_tree_is_idempotent_and_keeps_comments((text, n) in rule_file()) {
        let before = parse(&text);
        let once = format(&text);
        prop_assert_eq!(&parse(&once), &before, "tree changed:\n{}\n---\n{}", text, once);
        let twice = format(&once);
        prop_assert_eq!(&twice, &once, "not idempotent:\n{}", text);
        prop_assert_eq!(markers(&once), (0..n).collect::<Vec<_>>(), "comments:\n{}\n---\n{}", text, once);
        prop_assert_eq!(comment_texts(&once), comment_texts(&text).iter().map(|c| c.trim_end().to_string()).collect::<Vec<_>>());
    }
}

// ---- the repository's rule files ---------------------------------------------

fn repository_rule_files() -> Vec<std::path::PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in ["rules", "fixtures"] {
        let mut stack = vec![root.join(dir)];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).unwrap() {
                let p = entry.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|e| e == "rules") {
                    out.push(p);
                }
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_repository_rule_file_formats_safely() {
    let mut checked = 0;
    for path in repository_rule_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        let source = SourceFile::new(path.display().to_string(), text.as_str());
        let Ok(before) = parse_rule_file(&source) else {
            continue; // deliberately broken fixtures
        };
        let once = format(&text);
        assert_eq!(parse(&once), before, "{}", path.display());
        assert_eq!(format(&once), once, "{}", path.display());
        assert_eq!(
            comment_texts(&once),
            comment_texts(&text),
            "{}",
            path.display()
        );
        checked += 1;
    }
    assert!(checked >= 8, "only {checked} rule files checked");
}

#[test]
fn the_default_pack_is_formatted() {
    for (name, text) in eligo::DEFAULT_RULES {
        assert_eq!(
            &format(text),
            text,
            "{name} is not formatted: run `eligo fmt rules/`"
        );
    }
}

#[test]
fn layout_example() {
    let text = "# head\nenum   role{a,b   c}\nlet open=[active,in_progress] # open\nrule r-1:error \"S # s\" for t in transfers where (t.status in open) and not (t has created)\n  # before require\n  require ((a or b) or c) and (d == e)\n  else t : \"m\"  fix \"f\" related t.to,t.from\n";
    let expected = "# head\nenum role { a b c }\nlet open = [active, in_progress] # open\n\nrule r-1: error \"S # s\"\n  for t in transfers where t.status in open and not t has created\n  # before require\n  require (a or b or c) and d == e\n  else t: \"m\"\n  fix \"f\"\n  related t.to, t.from\n";
    assert_eq!(format(text), expected);
}
