//! Tests of the rule parser.

use super::*;

fn parse(text: &str) -> Result<RuleFile, RuleSyntaxError> {
    parse_rule_file(&SourceFile::new("t.rules", text))
}

#[test]
fn parses_a_rule_with_clauses() {
    let file = parse(
        r#"
        let open = [active, in_progress]  # open requests
        rule transferable-offer: error "Only O365"
          for t in transfers where t.status in open
          for i in t.items
          let s = i.subscription
          require s.offer in [o365, azure_payg]
          else s: "{s.id} is {s.offer}" fix "cancel {s.id}" related t
        "#,
    )
    .unwrap();
    assert_eq!(file.items.len(), 2);
    let Item::Rule(rule) = &file.items[1] else {
        panic!("not a rule")
    };
    assert_eq!(rule.id.name, "transferable-offer");
    assert_eq!(rule.clauses.len(), 3);
    assert_eq!(rule.related.len(), 1);
}

#[test]
fn parses_schema_declarations() {
    let file = parse(
        "enum role { a, b c }\nentity partner in partners {\n id: id\n roles: [role] nonempty\n tenant: string? nocase\n quantity: int = 1 min 0\n addons: inverse partner.x\n}\nrecord mca { via: role }\nroot { as_of: date = today }",
    )
    .unwrap();
    assert_eq!(file.items.len(), 4);
}

#[test]
fn reports_the_expected_token() {
    let err = parse("rule x: fatal \"s\" require true else x: \"m\"").unwrap_err();
    assert_eq!(err.expected.as_deref(), Some("`error` or `warning`"));
}

/// Every nesting form at the ceiling parses, compiles and evaluates on a
/// 2 MiB stack in a debug build; one more level is a syntax error.
#[test]
fn the_nesting_ceiling_fits_a_small_stack() {
    let n = MAX_EXPR_DEPTH_CEILING;
    let mixed: String = (0..n)
        .map(|i| ["(", "not ", "any(", "count(s in subscriptions where "][i % 4])
        .collect();
    let closing: String = (0..n).rev().map(|i| [")", "", ")", ")"][i % 4]).collect();
    let forms = [
        format!("{}true{}", "(".repeat(n), ")".repeat(n)),
        format!("1 in {}1{}", "[".repeat(n), "]".repeat(n)),
        format!("{}true", "not ".repeat(n)),
        format!("{}subscriptions{} > 0", "count(".repeat(n), ")".repeat(n)),
        format!("{mixed}true{closing}"),
    ];
    for condition in forms {
        let condition_for_message = condition.chars().take(60).collect::<String>();
        let rule = |c: &str| {
            format!("rule deep: error \"s\"\n  for s in subscriptions\n  require {c}\n  else s: \"x\"\n")
        };
        let (ok_text, deep_text) = (rule(&condition), rule(&format!("({condition})")));
        let survived = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                let ok =
                    parse_rule_file_with(&SourceFile::new("t.rules", ok_text.clone()), n).is_ok();
                let too_deep =
                    parse_rule_file_with(&SourceFile::new("t.rules", deep_text), n).is_err();
                let mut sources = crate::default_rule_sources();
                sources.push(SourceFile::new("t.rules", ok_text));
                // Type errors are fine here; what matters is that checking
                // and evaluating the deep tree does not exhaust the stack.
                if let Ok(program) = crate::lang::load_program_with(
                    sources,
                    &crate::lang::LoadRules { max_depth: n },
                )
                .map(|l| l.program)
                {
                    let _ = crate::eval::evaluate(
                        &program,
                        &crate::scenario::Store::new(&program.schema),
                    );
                }
                ok && too_deep
            })
            .unwrap()
            .join()
            .unwrap();
        assert!(survived, "{condition_for_message}");
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let text = format!("let x = {}1{}", "(".repeat(10_000), ")".repeat(10_000));
    assert!(parse(&text).is_err());
}
