#!/usr/bin/env python3
"""Turns every `pub` that the public API does not reach into `pub(crate)`.

    python3 scripts/restrict_pub.py

Runs `cargo check --lib` and applies the suggestions of rustc's
`unreachable_pub` lint (on in Cargo.toml), which `cargo fix` leaves alone
(they are not marked machine-applicable). Run it again after a merge: items
that others made `pub` in internal modules get the same treatment.
"""

import json
import os
import subprocess
import sys
from collections import defaultdict

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def suggestions():
    out = subprocess.run(
        ["cargo", "check", "--lib", "--message-format=json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    edits = defaultdict(set)
    for line in out.splitlines():
        try:
            msg = json.loads(line)
        except json.JSONDecodeError:
            continue
        d = msg.get("message") or {}
        if (d.get("code") or {}).get("code") != "unreachable_pub":
            continue
        for child in d.get("children", []):
            for span in child.get("spans", []):
                repl = span.get("suggested_replacement")
                if repl is not None:
                    edits[span["file_name"]].add((span["byte_start"], span["byte_end"], repl))
    return edits


def main():
    edits = suggestions()
    total = 0
    for name, spans in edits.items():
        path = os.path.join(ROOT, name)
        with open(path, "rb") as f:
            data = f.read()
        for start, end, repl in sorted(spans, reverse=True):
            data = data[:start] + repl.encode() + data[end:]
            total += 1
        with open(path, "wb") as f:
            f.write(data)
    print(f"{total} items made pub(crate) in {len(edits)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
