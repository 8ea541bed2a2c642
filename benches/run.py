#!/usr/bin/env python3
"""Whole-process benchmarks of `eligo check`, side by side with the YAML floor.

Builds the release binary and two example programs, generates deterministic
books with the hidden `eligo generate` into target/bench/ (never committed),
then runs, interleaved and several times each:

  floor   examples/yaml_floor: std::fs::read + UTF-8 check + draining every
          saphyr-parser event (no YAML loader on saphyr-parser can beat it)
  eligo   eligo check --format json FILE > /dev/null
  phases  examples/phases: read / load / evaluate / report inside one process

Wall time is measured around each run; peak memory and CPU time come from GNU
time (`apt-get install time` if /usr/bin/time is missing). Medians are
reported with the targets of issue #6.

    python3 benches/run.py              # 5 runs of every case
    python3 benches/run.py --runs 3 --sizes 10000,100000
    python3 benches/run.py --sizes 100000 --no-files --peer PEER_BIN --bench-dir ../shared/bench
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release")
ELIGO = os.path.join(BIN, "eligo")
FLOOR = os.path.join(BIN, "examples", "yaml_floor")
PHASES = os.path.join(BIN, "examples", "phases")
SEED = 1
TIME = "/usr/bin/time"


def sh(args, **kw):
    return subprocess.run(args, cwd=ROOT, check=True, **kw)


def build():
    sh(["cargo", "build", "--release", "--quiet", "--bin", "eligo",
        "--example", "yaml_floor", "--example", "phases"])


def generate(out_dir, subscriptions, files=1):
    """Generates a book (or a folder of `files` books) once; returns its path."""
    if files == 1:
        path = os.path.join(out_dir, f"book-{subscriptions}.yaml")
        if not os.path.exists(path):
            sh([ELIGO, "generate", "--subscriptions", str(subscriptions),
                "--seed", str(SEED), "--out", path])
    else:
        path = os.path.join(out_dir, f"files-{files}x{subscriptions // files}")
        if not os.path.isdir(path):
            sh([ELIGO, "generate", "--subscriptions", str(subscriptions),
                "--seed", str(SEED), "--files", str(files), "--out", path])
    return path


def size_of(path):
    if os.path.isdir(path):
        return sum(os.path.getsize(os.path.join(path, f)) for f in os.listdir(path))
    return os.path.getsize(path)


def files_of(path):
    if os.path.isdir(path):
        return sorted(os.path.join(path, f) for f in os.listdir(path) if f.endswith(".yaml"))
    return [path]


def measure(argv):
    """Runs argv with stdout to /dev/null; returns (wall s, peak RSS bytes, CPU s).

    Peak RSS and CPU time come from `/usr/bin/time` (GNU time, the figure that
    `/usr/bin/time -v` prints as "Maximum resident set size"): a child forked
    straight from Python would report Python's own size for small runs, since
    the peak survives exec.
    """
    with tempfile.NamedTemporaryFile("r", suffix=".time") as out, \
            open(os.devnull, "wb") as null:
        start = time.perf_counter()
        proc = subprocess.run([TIME, "-f", "%M %U %S", "-o", out.name] + argv,
                              stdout=null, cwd=ROOT)
        elapsed = time.perf_counter() - start
        fields = out.read().split()[-3:]
    if proc.returncode not in (0, 1):
        sys.exit(f"error: {argv} exited with {proc.returncode}")
    rss_kb, user, system = int(fields[0]), float(fields[1]), float(fields[2])
    return elapsed, rss_kb * 1024, user + system


def phases(path):
    out = subprocess.run([PHASES, path], cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def machine():
    model = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kb = int(f.readline().split()[1])
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "rustc": subprocess.run(["rustc", "--version"], capture_output=True,
                                text=True).stdout.strip(),
    }


def run_case(name, path, runs):
    """Interleaves floor and eligo runs so both see the same machine state."""
    floor_t, floor_m, eligo_t, eligo_m, eligo_c = [], [], [], [], []
    for _ in range(runs):
        t, m, _ = measure([FLOOR] + files_of(path))
        floor_t.append(t)
        floor_m.append(m)
        t, m, c = measure([ELIGO, "check", "--format", "json", path])
        eligo_t.append(t)
        eligo_m.append(m)
        eligo_c.append(c)
    med = statistics.median
    case = {
        "case": name,
        "path": os.path.relpath(path, ROOT),
        "bytes": size_of(path),
        "floor_s": med(floor_t),
        "floor_rss": med(floor_m),
        "eligo_s": med(eligo_t),
        "eligo_rss": med(eligo_m),
        "eligo_cpu_s": med(eligo_c),
        "eligo_runs_s": eligo_t,
        "floor_runs_s": floor_t,
        # Runs are paired (floor then eligo, back to back), so the ratio of
        # each pair cancels most of the drift of a shared machine.
        "ratio": med([e / f for e, f in zip(eligo_t, floor_t)]),
        "ratio_range": [min(e / f for e, f in zip(eligo_t, floor_t)),
                        max(e / f for e, f in zip(eligo_t, floor_t))],
    }
    if not os.path.isdir(path):
        ph = [phases(path) for _ in range(runs)]
        for key in ("read_s", "load_s", "eval_s", "report_s", "total_s"):
            case[key] = med([p[key] for p in ph])
        case["findings"] = ph[0]["findings"]
        case["peak_mb_after"] = ph[0]["peak_mb_after"]
    print(f"  {name}: floor {case['floor_s']:.3f} s, eligo {case['eligo_s']:.3f} s, "
          f"{case['eligo_rss'] / 2**20:.0f} MiB", file=sys.stderr)
    return case


def verdict(ok):
    return "met" if ok else "NOT met"


def report(cases, info, runs):
    by = {c["case"]: c for c in cases}
    lines = [
        f"machine: {info['nproc']} cores, {info['cpu']}, {info['memory_gib']} GiB, "
        f"Linux {info['kernel']}, {info['rustc']}",
        f"medians of {runs} runs, interleaved; eligo/floor is the median of the "
        "ratios of paired runs, with their range",
        "",
        "| case | file MB | floor s | eligo s | eligo/floor (range) | eligo CPU s | eval s "
        "| eval share | floor RSS MB | eligo RSS MB | eligo RSS/file |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for c in cases:
        eval_s = c.get("eval_s")
        eval_cells = (f"{eval_s:.3f} | {eval_s / c['eligo_s']:.1%}" if eval_s is not None
                      else "– | –")
        lines.append(
            f"| {c['case']} | {c['bytes'] / 1e6:.1f} | {c['floor_s']:.3f} "
            f"| {c['eligo_s']:.3f} | {c['ratio']:.2f}x ({c['ratio_range'][0]:.2f}–"
            f"{c['ratio_range'][1]:.2f}) "
            f"| {c['eligo_cpu_s']:.3f} | {eval_cells} "
            f"| {c['floor_rss'] / 1e6:.0f} | {c['eligo_rss'] / 1e6:.0f} "
            f"| {c['eligo_rss'] / c['bytes']:.2f}x |")
    lines += ["", "targets:"]
    for name in ("100k", "1M"):
        if name in by:
            r = by[name]["ratio"]
            lines.append(f"- end to end at {name}: {r:.2f}x the floor (target <= 1.5x): "
                         f"{verdict(r <= 1.5)}")
    for c in cases:
        if "eval_s" in c:
            share = c["eval_s"] / c["eligo_s"]
            lines.append(f"- evaluation at {c['case']}: {share:.1%} of end to end "
                         f"(target <= 10%): {verdict(share <= 0.10)}")
    if "1M" in by:
        r = by["1M"]["eligo_rss"] / by["1M"]["bytes"]
        lines.append(f"- peak memory at 1M: {r:.2f}x the file (target <= 1.5x): "
                     f"{verdict(r <= 1.5)}")
    for small, big in (("10k", "100k"), ("100k", "1M")):
        if small in by and big in by:
            r = by[big]["eligo_s"] / by[small]["eligo_s"]
            lines.append(f"- scaling {small} -> {big}: {r:.2f}x the time for 10x the "
                         f"subscriptions (target <= 11x): {verdict(r <= 11)}")
    if "1000x100" in by and "100k" in by:
        r = by["1000x100"]["eligo_s"] / by["100k"]["eligo_s"]
        lines.append(f"- 1,000 files of 100 vs one file of 100k: {r:.2f}x "
                     f"(target <= 2x): {verdict(r <= 2)}")
    return "\n".join(lines)


def peer_case(bench_dir, peer, subscriptions, runs, out_dir):
    """eligo and the regorus peer on the same book as one-line JSON.

    `bench_dir` is the shared benchmark folder (its `gen.py` writes the JSON
    book and `rego/eligo.rego` holds the rules in Rego); `peer` is its peer
    binary, built with `cargo build --release` in `peer/`. Runs are paired
    (regorus, then eligo) and the ratio is the median of the pairs' ratios.
    """
    path = os.path.join(out_dir, f"gen-{subscriptions}.json")
    if not os.path.exists(path):
        sh([sys.executable, os.path.join(bench_dir, "gen.py"), "--subscriptions",
            str(subscriptions), "--seed", str(SEED), "--format", "json", "-o", path])
    rego = os.path.join(bench_dir, "rego", "eligo.rego")
    peer_t, eligo_t, eligo_m = [], [], []
    for _ in range(runs):
        peer_t.append(measure([peer, rego, path])[0])
        t, m, _ = measure([ELIGO, "check", "--format", "json", path])
        eligo_t.append(t)
        eligo_m.append(m)
    med = statistics.median
    ratios = [p / e for p, e in zip(peer_t, eligo_t)]
    case = {"case": f"json-{subscriptions}", "bytes": size_of(path),
            "regorus_s": med(peer_t), "eligo_s": med(eligo_t), "eligo_rss": med(eligo_m),
            "regorus_over_eligo": med(ratios),
            "range": [min(ratios), max(ratios)]}
    print(f"- {case['case']} ({case['bytes'] / 1e6:.1f} MB of JSON): regorus "
          f"{case['regorus_s']:.3f} s, eligo {case['eligo_s']:.3f} s "
          f"({case['eligo_rss'] / 2**20:.0f} MiB): eligo is {case['regorus_over_eligo']:.2f}x "
          f"faster ({case['range'][0]:.2f}–{case['range'][1]:.2f}); target >= 8x: "
          f"{verdict(case['regorus_over_eligo'] >= 8)}")
    return case


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--no-files", action="store_true",
                    help="skip the 1,000 files of 100 subscriptions")
    ap.add_argument("--peer", metavar="PEER_BIN",
                    help="also compare with the regorus peer on the books as JSON "
                    "(the `peer` binary built in ../shared/bench/peer)")
    ap.add_argument("--bench-dir", default=os.path.join(ROOT, "..", "shared", "bench"),
                    help="the shared benchmark folder (gen.py, rego/)")
    args = ap.parse_args()
    build()
    out_dir = os.path.join(ROOT, "target", "bench")
    os.makedirs(out_dir, exist_ok=True)
    names = {10_000: "10k", 100_000: "100k", 1_000_000: "1M"}
    cases = []
    print("running (this takes a few minutes)...", file=sys.stderr)
    for n in (int(s) for s in args.sizes.split(",")):
        cases.append(run_case(names.get(n, str(n)), generate(out_dir, n), args.runs))
    if not args.no_files:
        cases.append(run_case("1000x100", generate(out_dir, 100_000, files=1000), args.runs))
    info = machine()
    print(report(cases, info, args.runs))
    if args.peer:
        print("\nagainst regorus on the same book as JSON:")
        for n in (int(s) for s in args.sizes.split(",")):
            cases.append(peer_case(args.bench_dir, args.peer, n, args.runs, out_dir))
    with open(os.path.join(out_dir, "results.json"), "w") as f:
        json.dump({"machine": info, "runs": args.runs, "cases": cases}, f, indent=2)


if __name__ == "__main__":
    main()
