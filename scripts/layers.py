#!/usr/bin/env python3
"""Module layering of eligo's library: which module uses which, cycles, and
imports that point up the layers.

    python3 scripts/layers.py          # cycles and upward imports, exit 1 if any
    python3 scripts/layers.py --edges  # also every edge

A module is a file (`src/lang/parse.rs` is `lang::parse`, `src/lang/mod.rs` is
`lang`). An edge M -> N is a path `crate::…`, `super::…` or `self::…` in M (in
a `use` or inline) that names an item of N (the longest module prefix of the
path). A module's edges to its own descendants are left out: a parent declares
and re-exports its children, which is not a dependency in the other direction.
Tests (`tests.rs`, `#[cfg(test)] mod tests` bodies at the end of a file) are
left out too. The layers (lowest first) are the crate's intended architecture:
an edge to a module of a higher layer is reported as upward.
"""

import os
import re
import sys

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")

# Top-level modules by layer, lowest first. A module may use its own layer
# and the layers below.
LAYERS = [
    {"source", "date", "escape", "input", "suggest", "vocab"},
    {"schema"},
    {"program"},
    {"lang"},
    {"scenario"},
    {"eval"},
    {"report", "check", "json_schema", "config"},
    {"waiver", "baseline", "explain", "plan", "import", "generate"},
    {"api", "engine", "fuzzing"},
    {"cli", "internals"},
]


def layer_of(module):
    top = module.split("::")[0]
    for i, names in enumerate(LAYERS):
        if top in names:
            return i
    return None


def module_files():
    mods = {}
    for root, _, files in os.walk(SRC):
        for f in files:
            if not f.endswith(".rs") or f in ("main.rs",):
                continue
            path = os.path.join(root, f)
            rel = os.path.relpath(path, SRC)[:-3].split(os.sep)
            if rel == ["lib"]:
                name = "crate"
            else:
                if rel[-1] == "mod":
                    rel = rel[:-1]
                name = "::".join(rel)
            if rel and rel[-1] == "tests":
                continue
            mods[name] = path
    return mods


def strip(text):
    """Drops comments, string and char literals, and the code from the first
    `#[cfg(test)] mod … {` on (test modules close files)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif re.match(r'r#*"', text[i : i + 8]) and not (i and (text[i - 1].isalnum() or text[i - 1] == "_")):
            hashes = re.match(r'r(#*)"', text[i:]).group(1)
            j = text.find('"' + hashes, i + 2 + len(hashes))
            out.append('""')
            i = n if j < 0 else j + 1 + len(hashes)
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append('""')
            i = j + 1
        elif c == "'" and re.match(r"'(\\.[^']*|[^\\'])'", text[i : i + 12]):
            m = re.match(r"'(\\.[^']*|[^\\'])'", text[i : i + 12])
            out.append("' '")
            i += len(m.group(0))
        else:
            out.append(c)
            i += 1
    text = "".join(out)
    cut = re.search(r"#\[cfg\(test\)\]\s*(pub(\(\w+\))?\s+)?mod \w+\s*\{", text)
    if cut:
        text = text[: cut.start()]
    return text


def expand_use(tree):
    """`a::{b, c::{d, e}}` -> a::b, a::c::d, a::c::e."""
    tree = re.sub(r"\s+", "", tree)
    m = re.match(r"^(.*?)\{(.*)\}$", tree)
    if not m:
        return [re.sub(r"as\w+$", "", tree)]
    prefix, inner = m.group(1), m.group(2)
    parts, depth, cur = [], 0, ""
    for ch in inner:
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
            continue
        depth += ch == "{"
        depth -= ch == "}"
        cur += ch
    parts.append(cur)
    out = []
    for p in parts:
        if p:
            out += [prefix + q for q in expand_use(p)]
    return out


def paths_in(text):
    paths = []
    for m in re.finditer(r"\buse\s+([^;]+);", text):
        paths += expand_use(m.group(1))
    text = re.sub(r"\buse\s+[^;]+;", "", text)
    paths += re.findall(r"\b(?:crate|super|self)(?:::\w+)+", text)
    return paths


def resolve(path, here, mods):
    segs = path.split("::")
    base = [] if here == "crate" else here.split("::")
    if segs[0] == "crate":
        cur, segs = [], segs[1:]
    elif segs[0] in ("super", "self"):
        cur = list(base)
        while segs and segs[0] in ("super", "self"):
            if segs[0] == "super":
                cur = cur[:-1]
            segs = segs[1:]
    else:
        return None
    full = cur + segs
    for n in range(len(full), 0, -1):
        name = "::".join(full[:n])
        if name in mods:
            return name
    return None


def edges(mods):
    out = {}
    for name, path in mods.items():
        with open(path, encoding="utf-8") as f:
            text = strip(f.read())
        targets = set()
        for p in paths_in(text):
            t = resolve(p, name, mods)
            if t is None or t == name or t == "crate":
                continue
            if name != "crate" and t.startswith(name + "::"):
                continue  # a parent and its own children
            if name == "crate":
                continue
            targets.add(t)
        out[name] = targets
    return out


def sccs(graph):
    index, low, stack, on, result = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                result.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return result


def main():
    mods = module_files()
    graph = edges(mods)
    top = {}
    for a, ts in graph.items():
        for b in ts:
            ta, tb = a.split("::")[0], b.split("::")[0]
            if ta != tb:
                top.setdefault(ta, set()).add(tb)
    if "--edges" in sys.argv:
        for a in sorted(graph):
            for b in sorted(graph[a]):
                print(f"edge {a} -> {b}")
    problems = 0
    for comp in sccs(graph):
        print("cycle (modules): " + " <-> ".join(comp))
        problems += 1
    for comp in sccs(top):
        print("cycle (top-level): " + " <-> ".join(comp))
        problems += 1
    for a in sorted(graph):
        for b in sorted(graph[a]):
            la, lb = layer_of(a), layer_of(b)
            if la is not None and lb is not None and lb > la:
                print(f"upward: {a} -> {b}")
                problems += 1
    unknown = sorted({m.split("::")[0] for m in mods if layer_of(m) is None} - {"crate"})
    for m in unknown:
        print(f"no layer: {m}")
        problems += 1
    print(f"{len(mods)} modules, {sum(len(t) for t in graph.values())} edges, {problems} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
