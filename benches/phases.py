#!/usr/bin/env python3
"""Instructions per phase of a check (callgrind): repeatable where wall time is not.

For each book (generated into target/bench/, as `benches/run.py` does: YAML by
`eligo generate`, the same book as one-line JSON by the shared `gen.py`), runs

  valgrind --tool=callgrind examples/phases --one-thread BOOK

and reads the instructions of the calls of each phase's functions, callees
included (`callgrind_annotate --tree=calling`):

  rules      eligo::lang::load_program (compiling the 29 default rules)
  read       eligo::scenario::load::read_scenario
  parse      the parser thread: eligo::scenario::pipe::stream_fast_events
             (a fast path streaming a large book, JSON or block YAML) or
             ::stream_source_events (saphyr-parser, or a fast path after its
             dry run);
             books under 1 MiB are parsed inline, inside `load`
  load       eligo::scenario::load::load_scenario on the loader's thread
             (everything but the parser thread: events, store, references,
             inverse relations, compaction)
  evaluate   eligo::eval::evaluate_budgeted (all rules)
  report     eligo::check::build_report + eligo::report::json::write

`--one-thread` makes rayon run on the main thread, so each phase is one
function on one thread and no idle worker spins into the counts. With
`--cli`, also counts the whole `eligo check BOOK --format json` process (all
threads) the same way.

    python3 benches/phases.py                        # 10k and 100k, YAML and JSON
    python3 benches/phases.py --sizes 10000 --cli
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release")
ELIGO = os.path.join(BIN, "eligo")
PHASES = os.path.join(BIN, "examples", "phases")
SEED = 1

PHASE_FUNCTIONS = {
    "rules": ["eligo::lang::load_program"],
    "read": ["eligo::scenario::load::read_scenario"],
    "parse": ["eligo::scenario::pipe::stream_fast_events",
              "eligo::scenario::pipe::stream_source_events"],
    "load": ["eligo::scenario::load::load_scenario"],
    "evaluate": ["eligo::eval::evaluate_budgeted"],
    "report": ["eligo::check::build_report", "eligo::report::json::write"],
}


def sh(args, **kw):
    return subprocess.run(args, cwd=ROOT, check=True, **kw)


def book(out_dir, subscriptions, fmt, bench_dir):
    if fmt == "yaml":
        path = os.path.join(out_dir, f"book-{subscriptions}.yaml")
        if not os.path.exists(path):
            sh([ELIGO, "generate", "--subscriptions", str(subscriptions),
                "--seed", str(SEED), "--out", path])
    else:
        path = os.path.join(out_dir, f"gen-{subscriptions}.json")
        if not os.path.exists(path):
            sh([sys.executable, os.path.join(bench_dir, "gen.py"), "--subscriptions",
                str(subscriptions), "--seed", str(SEED), "--format", "json", "-o", path])
    return path


def callgrind(argv):
    """Runs argv under callgrind; returns (total, {function: instructions of its calls})."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "callgrind.out")
        with open(os.devnull, "wb") as null:
            subprocess.run(["valgrind", "--tool=callgrind", "--dump-instr=no",
                            f"--callgrind-out-file={out}"] + argv,
                           cwd=ROOT, stdout=null, stderr=null)
        text = subprocess.run(["callgrind_annotate", "--tree=calling", "--threshold=100",
                               out], capture_output=True, text=True, check=True).stdout
    total = 0
    calls = {}
    # Call edges, "  7,352,214 ( 0.88%)  >   /path/check.rs:eligo::check::build_report
    # (1x) [/path/bin]": the instructions of those calls, callees included
    # (summed over the callers' entries, one per file that code was inlined from).
    edge = re.compile(r"^\s*([\d,]+) \([^)]*\)\s+>\s+\S*?:(\S+) \(\d+x\)")
    for line in text.splitlines():
        m = re.match(r"^\s*([\d,]+) .*PROGRAM TOTALS", line)
        if m:
            total = int(m.group(1).replace(",", ""))
            continue
        m = edge.match(line)
        if m:
            name = m.group(2)
            calls[name] = calls.get(name, 0) + int(m.group(1).replace(",", ""))
    return total, calls


def phases(path):
    total, calls = callgrind([PHASES, "--one-thread", path])
    row = {phase: sum(calls.get(f, 0) for f in functions)
           for phase, functions in PHASE_FUNCTIONS.items()}
    row["total"] = total
    return row


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--formats", default="yaml,json")
    ap.add_argument("--cli", action="store_true",
                    help="also count the whole `eligo check --format json` process")
    ap.add_argument("--bench-dir", default=os.path.join(ROOT, "..", "shared", "bench"),
                    help="the shared benchmark folder (its gen.py writes the JSON books)")
    args = ap.parse_args()
    sh(["cargo", "build", "--release", "--quiet", "--bin", "eligo", "--example", "phases"])
    out_dir = os.path.join(ROOT, "target", "bench")
    os.makedirs(out_dir, exist_ok=True)
    names = {10_000: "10k", 100_000: "100k", 1_000_000: "1M"}
    cols = list(PHASE_FUNCTIONS) + ["total"]
    head = "| book | MB | " + " | ".join(cols) + " | per byte |"
    if args.cli:
        head += " `eligo check` total |"
    print(head)
    print("|---|---:|" + "---:|" * (len(cols) + 1 + (1 if args.cli else 0)))
    for n in (int(s) for s in args.sizes.split(",")):
        for fmt in args.formats.split(","):
            path = book(out_dir, n, fmt, args.bench_dir)
            size = os.path.getsize(path)
            row = phases(path)
            cells = " | ".join(f"{row[c] / 1e6:,.1f} M" for c in cols)
            line = (f"| {names.get(n, n)} {fmt.upper()} | {size / 1e6:.1f} | {cells} "
                    f"| {row['total'] / size:.0f} |")
            if args.cli:
                cli_total, _ = callgrind([ELIGO, "check", path, "--format", "json"])
                line += f" {cli_total / 1e6:,.1f} M |"
            print(line, flush=True)


if __name__ == "__main__":
    main()
