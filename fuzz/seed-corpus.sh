#!/bin/sh
# Seeds fuzz/corpus/<target>/ for the rule targets (rule_parser, fmt_roundtrip)
# with the bundled rule files and the hostile shapes of issue 11: flat chains,
# long field paths, many clauses, deep list types and nested interpolations,
# each just past a bound and just inside it. Generated here rather than
# committed, to keep the repository small. Run from the repository root:
#   sh fuzz/seed-corpus.sh
set -eu
cd "$(dirname "$0")/.."

# `repeat N TEXT`: TEXT N times, without a separator.
repeat() {
    i=0
    while [ "$i" -lt "$1" ]; do printf '%s' "$2"; i=$((i + 1)); done
}

# `rule NAME BODY`: a rule over subscriptions that requires BODY.
rule() {
    printf 'rule %s: error "s"\n  for s in subscriptions\n  require %s\n  else s: "{s.id}"\n' "$1" "$2"
}

seed() {
    out=fuzz/corpus/$1
    mkdir -p "$out"
    cp rules/*.rules fixtures/lint/*.rules fixtures/bad-rules/*.rules "$out"/
    for n in 120 5000; do
        { rule and "$(repeat "$n" 'true and ')true"; } > "$out/and-$n.rules"
        { rule or "$(repeat "$n" 's.quantity > 0 or ')true"; } > "$out/or-$n.rules"
        { rule path "s$(repeat "$n" '.customer').id == \"x\""; } > "$out/path-$n.rules"
        { printf 'rule lets: warning "s"\n  for s in subscriptions\n'
          repeat "$n" '  let v = s.quantity
'
          printf '  require v > 0\n  else s: "x"\n'; } > "$out/lets-$n.rules"
        { printf 'rule fors: warning "s"\n  for s in subscriptions\n'
          repeat "$n" '  for c in customers where c == s.customer
'
          printf '  require true\n  else s: "x"\n'; } > "$out/fors-$n.rules"
        { printf 'entity thing in things {\n  x: %sint%s\n}\n' "$(repeat "$n" '[')" "$(repeat "$n" ']')"; } > "$out/list-type-$n.rules"
        { printf 'let x = %s1%s\n' "$(repeat "$n" '"{')" "$(repeat "$n" '}"')"; } > "$out/templates-$n.rules"
        { rule nested "$(repeat "$n" '(true and ')true$(repeat "$n" ')')"; } > "$out/nested-$n.rules"
    done
    # Cross products and large `related` sets, for the evaluator's work budget.
    printf 'rule pairs: warning "p"\n  for a in subscriptions\n  for b in subscriptions\n  for c in subscriptions\n  require a != b\n  else a: "{a.id} {subscriptions.id}"\n  related subscriptions\n' > "$out/cross.rules"
}

seed rule_parser
seed fmt_roundtrip
echo "seeded fuzz/corpus/rule_parser and fuzz/corpus/fmt_roundtrip"
