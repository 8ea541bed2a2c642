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

Issue 17's targets, in one interleaved run per size (each run: saphyr floor,
eligo on YAML, both pinned with `taskset -c 0`, regorus on the JSON book,
eligo on the JSON book; ratios are medians of per-run ratios, with met/NOT
met against each target):

    python3 benches/run.py --only-targets --sizes 100000,1000000 --runs 5 \
        --peer PEER_BIN --bench-dir ../shared/bench

where PEER_BIN is `peer/target/release/peer` built with `cargo build
--release` in a copy of ../shared/bench (never in the shared folder itself).

Issue 13's import target (importing N subscriptions takes at most 2x the time
of checking the scenario the import writes), interleaved: each run imports the
export that `eligo generate --export` writes into target/bench/, then checks
the scenario written; the ratio is the median of the per-run ratios. With
`--against BIN`, another eligo build (an older commit's) does the same in each
run, right after, for a before/after comparison in the same minutes. Each run
also measures the import's floor (examples/import_floor, timed in process):
reading every file of the export and parsing its JSON into nothing, which no
import can take less than; and, for comparison, loading the scenario written
with the engine, which the import does only when it cannot prove the
scenario valid from what it built:

    python3 benches/run.py --import --sizes 100000 --runs 9 [--against BIN]
"""

import argparse
import json
import os
import platform
import shutil
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
IMPORT_FLOOR = os.path.join(BIN, "examples", "import_floor")
SEED = 1
TIME = "/usr/bin/time"


def sh(args, **kw):
    return subprocess.run(args, cwd=ROOT, check=True, **kw)


def build():
    sh(["cargo", "build", "--release", "--quiet", "--bin", "eligo",
        "--example", "yaml_floor", "--example", "phases", "--example", "import_floor"])


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


def gen_book(bench_dir, subscriptions, fmt, out_dir):
    """The shared generator's book (the same data as YAML and as one-line JSON)."""
    path = os.path.join(out_dir, f"gen-{subscriptions}.{fmt}")
    if not os.path.exists(path):
        sh([sys.executable, os.path.join(bench_dir, "gen.py"), "--subscriptions",
            str(subscriptions), "--seed", str(SEED), "--format", fmt, "-o", path])
    return path


def ratio_stats(num, den):
    """Median and range of the ratios of paired runs."""
    ratios = [a / b for a, b in zip(num, den)]
    return {"median": statistics.median(ratios), "min": min(ratios), "max": max(ratios)}


def targets_cases(bench_dir, peer, sizes, runs, out_dir):
    """The measurements of issue 17's targets, interleaved in every run.

    On the shared generator's books of each size (YAML, and the same data as
    one-line JSON), each run does, size after size, back to back: the saphyr
    floor on the YAML, eligo on the YAML, both again pinned to one core
    (`taskset -c 0`), then (with `peer`) regorus on the JSON and eligo on the
    JSON. Ratios are medians of the per-run ratios, so that each pair sees the
    same machine state; the sizes take turns within a run for the same reason,
    since the scaling target is a ratio of two sizes' times.
    """
    rego = os.path.join(bench_dir, "rego", "eligo.rego")
    check = ["check", "--format", "json"]
    pin = ["taskset", "-c", "0"]
    books = {n: (gen_book(bench_dir, n, "yaml", out_dir), gen_book(bench_dir, n, "json", out_dir))
             for n in sizes}
    t = {n: {k: [] for k in ("floor", "yaml", "floor_pinned", "yaml_pinned", "peer", "json")}
         for n in sizes}
    rss = {n: {"yaml": [], "json": []} for n in sizes}
    for _ in range(runs):
        for n in sizes:
            yaml, json_book = books[n]
            t[n]["floor"].append(measure([FLOOR, yaml])[0])
            w, m, _ = measure([ELIGO] + check + [yaml])
            t[n]["yaml"].append(w)
            rss[n]["yaml"].append(m)
            t[n]["floor_pinned"].append(measure(pin + [FLOOR, yaml])[0])
            t[n]["yaml_pinned"].append(measure(pin + [ELIGO] + check + [yaml])[0])
            if peer:
                t[n]["peer"].append(measure([peer, rego, json_book])[0])
                w, m, _ = measure([ELIGO] + check + [json_book])
                t[n]["json"].append(w)
                rss[n]["json"].append(m)
    return [targets_case(n, books[n], t[n], rss[n], peer) for n in sizes]


def targets_case(subscriptions, books, t, rss, peer):
    """One size's figures: medians, per-run ratios, peaks."""
    med = statistics.median
    case = {
        "case": f"targets-{subscriptions}",
        "yaml_bytes": size_of(books[0]),
        "json_bytes": size_of(books[1]),
        "runs_s": t,
        "median_s": {k: med(v) for k, v in t.items() if v},
        "eligo_rss": {k: med(v) for k, v in rss.items() if v},
        "yaml_over_floor": ratio_stats(t["yaml"], t["floor"]),
        "pinned_over_floor": ratio_stats(t["yaml_pinned"], t["floor_pinned"]),
    }
    if peer:
        case["peer_over_yaml"] = ratio_stats(t["peer"], t["yaml"])
        case["peer_over_json"] = ratio_stats(t["peer"], t["json"])
    print(f"  targets {subscriptions}: " + ", ".join(
        f"{k} {v:.3f} s" for k, v in case["median_s"].items()), file=sys.stderr)
    return case


def targets_report(cases, runs):
    """Each target of issue 17 with its median ratio and the verdict."""
    names = {100_000: "100k", 1_000_000: "1M"}
    lines = [f"issue 17 targets (medians of {runs} interleaved paired runs, range in "
             "brackets; the books of ../shared/bench/gen.py):", ""]

    def line(label, stats, target, ok):
        return (f"- {label}: {stats['median']:.2f}x ({stats['min']:.2f}-{stats['max']:.2f}); "
                f"target {target}: {verdict(ok)}")

    by = {}
    for c in cases:
        n = int(c["case"].split("-")[1])
        by[n] = c
        name = names.get(n, str(n))
        s = c["median_s"]
        lines.append(f"{name} ({c['yaml_bytes'] / 1e6:.1f} MB YAML, "
                     f"{c['json_bytes'] / 1e6:.1f} MB JSON): "
                     + ", ".join(f"{k} {v:.3f} s" for k, v in s.items()))
        r = c["yaml_over_floor"]
        lines.append(line(f"eligo YAML / saphyr floor at {name}", r, "<= 1.0x",
                          r["median"] <= 1.0))
        r = c["pinned_over_floor"]
        lines.append(line(f"eligo YAML / floor, both pinned to one core, at {name}", r,
                          "<= 1.25x", r["median"] <= 1.25))
        if "peer_over_yaml" in c:
            r = c["peer_over_yaml"]
            lines.append(line(f"regorus on JSON / eligo on YAML at {name}", r, ">= 4x",
                              r["median"] >= 4))
            r = c["peer_over_json"]
            lines.append(line(f"regorus on JSON / eligo on JSON at {name}", r, ">= 8x",
                              r["median"] >= 8))
        else:
            lines.append(f"- regorus comparisons at {name}: not measured (no --peer)")
    if 1_000_000 in by:
        c = by[1_000_000]
        for fmt, size in (("yaml", c["yaml_bytes"]), ("json", c["json_bytes"])):
            if fmt in c["eligo_rss"]:
                r = c["eligo_rss"][fmt] / size
                lines.append(f"- peak memory of eligo on the 1M {fmt.upper()} book: "
                             f"{c['eligo_rss'][fmt] / 1e6:.0f} MB, {r:.2f}x the file "
                             f"(target <= 1.5x): {verdict(r <= 1.5)}")
    if 100_000 in by and 1_000_000 in by:
        small, big = by[100_000]["runs_s"], by[1_000_000]["runs_s"]
        for fmt in ("yaml", "json"):
            if small[fmt] and big[fmt]:
                r = ratio_stats(big[fmt], small[fmt])
                lines.append(line(f"scaling 100k -> 1M, eligo on {fmt.upper()} (the time "
                                  "for 10x the input, 1M over 100k within each run)", r,
                                  "<= 11x", r["median"] <= 11))
        # The parse floor is linear in its input: its own ratio shows how much
        # the machine drifted between the two sizes' runs.
        r = ratio_stats(big["floor"], small["floor"])
        lines.append(f"- for reference, the saphyr floor's own 100k -> 1M ratio: "
                     f"{r['median']:.2f}x ({r['min']:.2f}-{r['max']:.2f})")
    return "\n".join(lines)


def generate_export(out_dir, subscriptions):
    """An export of the generated book (one folder per partner, with its
    overlay and mapping), written again on every run (a few seconds at 100k)
    so that it is the export this build's generator writes; returns its
    folder."""
    path = os.path.join(out_dir, f"export-{subscriptions}")
    if os.path.isdir(path):
        shutil.rmtree(path)
    sh([ELIGO, "generate", "--subscriptions", str(subscriptions), "--seed", str(SEED),
        "--export", path])
    return path


def import_cases(sizes, runs, out_dir, against):
    """The measurements of issue 13's import target, interleaved in every run:
    for each build (this one, then `against`), an import of the export to a
    file and a check of that file."""
    builds = [("eligo", ELIGO)] + ([("against", os.path.abspath(against))] if against else [])
    cases = []
    for n in sizes:
        export = generate_export(out_dir, n)
        partners = sorted(os.path.join(export, d) for d in os.listdir(export)
                          if os.path.isdir(os.path.join(export, d)))
        t = {name: {"import": [], "check": [], "rss": []} for name, _ in builds}
        floor = {"read_parse": [], "read_parse_cpu": [], "validate": [], "validate_cpu": []}
        for _ in range(runs):
            f = floor_run(["--json"] + partners)
            floor["read_parse"].append(f["read_s"])
            floor["read_parse_cpu"].append(f["read_cpu_s"])
            for name, binary in builds:
                scenario = os.path.join(out_dir, f"imported-{n}-{name}.yaml")
                w, m, _ = measure([binary, "import",
                                   "--map", os.path.join(export, "partner-center.map.yaml"),
                                   "--overlay", os.path.join(export, "overlay.yaml"),
                                   "--output", scenario] + partners)
                t[name]["import"].append(w)
                t[name]["rss"].append(m)
                t[name]["check"].append(measure([binary, "check", "--format", "json",
                                                 scenario])[0])
                if name == "eligo":
                    v = validation(scenario)
                    floor["validate"].append(v["validate_s"])
                    floor["validate_cpu"].append(v["validate_cpu_s"])
        for name, binary in builds:
            runs_s = t[name]
            case = {
                "case": f"import-{n}-{name}",
                "binary": binary,
                "export_files": sum(len(f) for _, _, f in os.walk(export)),
                "runs_s": {k: runs_s[k] for k in ("import", "check")},
                "median_s": {k: statistics.median(runs_s[k]) for k in ("import", "check")},
                "import_rss": statistics.median(runs_s["rss"]),
                "import_over_check": ratio_stats(runs_s["import"], runs_s["check"]),
            }
            if name == "eligo":
                case["floor"] = floor_stats(floor, runs_s["check"])
            print(f"  import {n} ({name}): import {case['median_s']['import']:.3f} s, "
                  f"check {case['median_s']['check']:.3f} s", file=sys.stderr)
            cases.append(case)
    return cases


def floor_run(args):
    """One run of examples/import_floor: its own timings, in process."""
    out = subprocess.run([IMPORT_FLOOR] + args, cwd=ROOT, check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout)


def validation(scenario):
    """The import's own check of the scenario it wrote, timed in process."""
    return floor_run(["--validate", scenario])


def floor_stats(floor, check):
    """The import's floor: reading and parsing the export's files (building
    and keeping nothing), timed in process, so the process's start and the
    folders' listing are left out; as a multiple of the check (whole
    process). The load of the scenario written is timed beside it: the
    import makes it only when its verdict cannot prove the scenario valid."""
    return {
        "runs_s": floor,
        "median_s": {k: statistics.median(v) for k, v in floor.items()},
        "floor_over_check": ratio_stats(floor["read_parse"], check),
    }


def import_report(cases, runs):
    """Issue 13's import target, per size and build, with the verdict."""
    lines = [f"issue 13 import target (medians of {runs} interleaved runs, range in "
             "brackets; the export of `eligo generate --export`):", ""]
    for c in cases:
        r = c["import_over_check"]
        s = c["median_s"]
        lines.append(
            f"- {c['case']} ({c['export_files']} files): import {s['import']:.3f} s, check "
            f"{s['check']:.3f} s, peak {c['import_rss'] / 1e6:.0f} MB; import / check "
            f"{r['median']:.2f}x ({r['min']:.2f}-{r['max']:.2f}); target <= 2x: "
            f"{verdict(r['median'] <= 2)}")
        if "floor" in c:
            f, m = c["floor"]["floor_over_check"], c["floor"]["median_s"]
            lines.append(
                f"  floor, nothing built or written: reading and parsing the export "
                f"{m['read_parse']:.3f} s (CPU {m['read_parse_cpu']:.3f} s), "
                f"{f['median']:.2f}x the check ({f['min']:.2f}-{f['max']:.2f}); loading the "
                f"scenario written, which the import skips when it proves it valid: "
                f"{m['validate']:.3f} s (CPU {m['validate_cpu']:.3f} s)")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--no-files", action="store_true",
                    help="skip the 1,000 files of 100 subscriptions")
    ap.add_argument("--peer", metavar="PEER_BIN",
                    help="also compare with the regorus peer on the books as JSON "
                    "(the `peer` binary built in a copy of ../shared/bench/peer)")
    ap.add_argument("--bench-dir", default=os.path.join(ROOT, "..", "shared", "bench"),
                    help="the shared benchmark folder (gen.py, rego/)")
    ap.add_argument("--targets", action="store_true",
                    help="measure issue 17's targets (floor, pinned, regorus with "
                    "--peer) on the sizes of 100k and more, interleaved")
    ap.add_argument("--only-targets", action="store_true",
                    help="with --targets: skip the per-case table of issue 6")
    ap.add_argument("--import", dest="import_target", action="store_true",
                    help="measure issue 13's import target only, on --sizes")
    ap.add_argument("--against", metavar="BIN",
                    help="with --import: another eligo build measured in the same runs")
    args = ap.parse_args()
    build()
    out_dir = os.path.join(ROOT, "target", "bench")
    os.makedirs(out_dir, exist_ok=True)
    names = {10_000: "10k", 100_000: "100k", 1_000_000: "1M"}
    sizes = [int(s) for s in args.sizes.split(",")]
    cases = []
    info = machine()
    print("running (this takes a few minutes)...", file=sys.stderr)
    if args.import_target:
        cases = import_cases(sizes, args.runs, out_dir, args.against)
        print(import_report(cases, args.runs))
        with open(os.path.join(out_dir, "results-import.json"), "w") as f:
            json.dump({"machine": info, "runs": args.runs, "cases": cases}, f, indent=2)
        return
    if not args.only_targets:
        for n in sizes:
            cases.append(run_case(names.get(n, str(n)), generate(out_dir, n), args.runs))
        if not args.no_files:
            cases.append(run_case("1000x100", generate(out_dir, 100_000, files=1000),
                                  args.runs))
        print(report(cases, info, args.runs))
    if args.targets or args.only_targets:
        targets = targets_cases(args.bench_dir, args.peer,
                                [n for n in sizes if n >= 100_000], args.runs, out_dir)
        print()
        print(targets_report(targets, args.runs))
        cases += targets
    with open(os.path.join(out_dir, "results.json"), "w") as f:
        json.dump({"machine": info, "runs": args.runs, "cases": cases}, f, indent=2)


if __name__ == "__main__":
    main()
