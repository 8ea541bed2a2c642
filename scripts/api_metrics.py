#!/usr/bin/env python3
"""Size of eligo's library surface and of its pieces, for before/after notes.

    python3 scripts/api_metrics.py

Prints: the `pub` items (as `grep -rE '^\\s*pub (fn|struct|…)' src` counts
them) and the restricted ones (`pub(crate)`, `pub(super)`, `pub(in …)`); the
largest source files; the distribution of function lengths in lines (from
`fn` to its closing brace, test modules left out). `cargo doc` gives the
public items as users see them; this counts declarations, which is what the
source shows.
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from layers import SRC, strip  # noqa: E402

ITEM = r"(fn|struct|enum|trait|type|const|static|mod|use)"
PUB = re.compile(r"^\s*pub " + ITEM, re.M)
RESTRICTED = re.compile(r"^\s*pub\((crate|super|in [^)]*)\) " + ITEM, re.M)
FN = re.compile(r"\bfn\s+\w+")


def rust_files():
    for root, _, files in os.walk(SRC):
        for f in sorted(files):
            if f.endswith(".rs"):
                yield os.path.join(root, f)


def function_lengths(text):
    """Line counts of the functions with a body in `text` (comments stripped)."""
    lengths = []
    for m in FN.finditer(text):
        i = m.end()
        # The body starts at the first `{` before any `;` (a declaration only).
        depth_paren = 0
        while i < len(text):
            c = text[i]
            if c in "(<[":
                depth_paren += 1
            elif c in ")>]":
                depth_paren -= 1
            elif c == ";" and depth_paren <= 0:
                break
            elif c == "{" and depth_paren <= 0:
                break
            i += 1
        if i >= len(text) or text[i] != "{":
            continue
        start, depth = i, 0
        while i < len(text):
            depth += text[i] == "{"
            depth -= text[i] == "}"
            if depth == 0:
                break
            i += 1
        first = text.count("\n", 0, m.start())
        last = text.count("\n", 0, i)
        lengths.append(last - first + 1)
        del start
    return lengths


def main():
    pub = restricted = 0
    sizes = []
    lengths = []
    for path in rust_files():
        with open(path, encoding="utf-8") as f:
            raw = f.read()
        rel = os.path.relpath(path, os.path.join(SRC, ".."))
        pub += len(PUB.findall(raw))
        restricted += len(RESTRICTED.findall(raw))
        sizes.append((raw.count("\n"), rel))
        if not rel.endswith("tests.rs"):
            lengths += function_lengths(strip(raw))
    sizes.sort(reverse=True)
    lengths.sort()
    n = len(lengths)

    def pct(p):
        return lengths[min(n - 1, int(p * n))] if n else 0

    print(f"pub items: {pub}")
    print(f"restricted items (pub(crate|super|in)): {restricted}")
    print("largest files: " + ", ".join(f"{rel} {lines}" for lines, rel in sizes[:5]))
    print(
        f"functions: {n}, lines median {pct(0.5)}, p90 {pct(0.9)}, p99 {pct(0.99)}, "
        f"max {lengths[-1] if n else 0}; over 50 lines: {sum(1 for x in lengths if x > 50)}, "
        f"over 100: {sum(1 for x in lengths if x > 100)}"
    )


if __name__ == "__main__":
    main()
