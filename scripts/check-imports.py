#!/usr/bin/env python3
"""No import circle between the files of a crate.

Reads every `crate::…` and `super::…` path in each crate's `src/` (use lines and paths written in
place), resolves it to the file that defines that module, and fails when files depend on each other
in a circle (a strongly connected group of two or more files). The crate root (`lib.rs`, `main.rs`)
may name every module; a file that reaches back to the root is part of a circle like any other.

    scripts/check-imports.py            # every crate of the workspace
    scripts/check-imports.py app store  # some
"""
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
CRATES = ["domain", "store", "app", "server", "loadgen"]
IDENT = r"[A-Za-z_][A-Za-z0-9_]*"


def modules(src):
    """Module path (tuple) → file, for every file under src/."""
    out = {}
    for dirpath, _, files in os.walk(src):
        for f in files:
            if not f.endswith(".rs"):
                continue
            path = os.path.join(dirpath, f)
            rel = os.path.relpath(path, src)[:-3].split(os.sep)
            if rel in (["lib"], ["main"]):
                mod = ()
            elif rel[-1] == "mod":
                mod = tuple(rel[:-1])
            else:
                mod = tuple(rel)
            if mod == () and () in out:
                continue  # a crate with lib.rs and main.rs: main.rs is another crate (uses the lib by name)
            out[mod] = path
    return out


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    return re.sub(r'"(?:\\.|[^"\\])*"', '""', text)


def expand(prefix, body):
    """`a::{b, c::{d, e}}` → [a::b, a::c::d, a::c::e] (body without the outer braces)."""
    parts, depth, cur = [], 0, ""
    for ch in body:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    out = []
    for p in parts:
        p = p.strip()
        if not p:
            continue
        m = re.match(r"^(.*?)::\{(.*)\}$", p, flags=re.S)
        if m:
            out += expand(prefix + [x for x in m.group(1).split("::") if x], m.group(2))
        else:
            out.append(prefix + [x.strip() for x in p.split(" as ")[0].split("::")])
    return out


def paths(text):
    """Every path starting at `crate` or `super` in the text, as a list of segments."""
    found = []
    for m in re.finditer(r"\b((?:crate|super)(?:::(?:super|" + IDENT + r"))*)::\{", text):
        # a grouped use: find the matching brace
        start = m.end()
        depth, i = 1, start
        while i < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        found += expand(m.group(1).split("::"), text[start : i - 1])
    for m in re.finditer(r"\b((?:crate|super)(?:::(?:super|\*|" + IDENT + r"))+)", text):
        found.append(m.group(1).split("::"))
    for m in re.finditer(r"\buse\s+super\s*;", text):
        found.append(["super"])
    return found


def resolve(segs, here, mods):
    """The module a path lands in, from the module `here`, and the segments left after it."""
    if segs[0] == "crate":
        cur, rest = [], segs[1:]
    else:
        cur, rest = list(here), segs
        while rest and rest[0] == "super":
            cur, rest = cur[:-1], rest[1:]
    while rest and tuple(cur + [rest[0]]) in mods:
        cur, rest = cur + [rest[0]], rest[1:]
    return tuple(cur), rest


def circles(graph):
    """Strongly connected groups of more than one node (Tarjan)."""
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    sys.setrecursionlimit(10000)
    for v in graph:
        if v not in index:
            visit(v)
    return out


def blocks(text, here):
    """The file's text split into (module, text) pieces: inline `mod name { … }` blocks (tests) are
    their own module, so that `super::` inside them means the file's module."""
    out, rest, pos = [], "", 0
    for m in re.finditer(r"\bmod\s+(" + IDENT + r")\s*\{", text):
        if m.start() < pos:
            continue
        depth, i = 1, m.end()
        while i < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        rest += text[pos : m.start()]
        out += blocks(text[m.end() : i - 1], here + (m.group(1),))
        pos = i
    rest += text[pos:]
    return [(here, rest)] + out


def reexports(text, here, mods):
    """`pub use` lines of a module: name → module, and the modules glob-re-exported."""
    names, globs = {}, []
    for m in re.finditer(r"\bpub(?:\([^)]*\))?\s+use\s+([^;]+);", text):
        for segs in expand([], m.group(1).strip()):
            if segs[0] == "self":
                segs = ["crate"] + list(here) + segs[1:]
            elif segs[0] not in ("crate", "super"):
                if here + (segs[0],) not in mods:
                    continue  # another crate
                segs = ["crate"] + list(here) + segs
            target, rest = resolve(segs, here, mods)
            if rest == ["*"]:
                globs.append(target)
            elif rest:
                names[rest[-1]] = target
    return names, globs


def defines(text, name):
    return re.search(r"\bpub(?:\([^)]*\))?\s+(?:async\s+)?(?:struct|enum|fn|type|const|static|trait|mod)\s+" + re.escape(name) + r"\b", text)


def check(crate):
    src = os.path.join(ROOT, crate, "src")
    mods = modules(src)
    texts = {m: strip_comments(open(p, encoding="utf-8").read()) for m, p in mods.items()}
    exports = {m: reexports(texts[m], m, mods) for m in mods}

    def through(target, name):
        """A name used from a module that only re-exports it: the module that defines it."""
        names, globs = exports.get(target, ({}, []))
        if name in names:
            return names[name]
        for g in globs:
            if defines(texts[g], name):
                return g
        return target

    graph = {}
    for mod in mods:
        deps = set()
        for here, text in blocks(texts[mod], mod):
            for segs in paths(text):
                target, rest = resolve(segs, here, mods)
                if rest and rest[0] != "*":
                    target = through(target, rest[0])
                if target != mod:
                    deps.add(target)
        graph[mod] = deps
    found = circles(graph)
    name = lambda m: os.path.relpath(mods[m], ROOT)
    for group in found:
        print(f"import circle in {crate}: " + " ↔ ".join(name(m) for m in group))
        for m in group:
            for d in sorted(graph[m]):
                if d in group:
                    print(f"    {name(m)} uses {name(d)}")
    return len(found)


def main():
    crates = sys.argv[1:] or CRATES
    total = sum(check(c) for c in crates)
    if total:
        print(f"{total} import circle(s); see docs/architecture.md for what each folder may use")
        sys.exit(1)
    print(f"no import circles ({', '.join(crates)})")


if __name__ == "__main__":
    main()
