#!/usr/bin/env python3
"""List Rust functions longer than a limit (default 120 lines), for the rule in
ARCHITECTURE.md: no function over ~120 lines without a reason written above it.

A function is exempt when a comment in the 3 lines above its signature contains
"long:" (the reason). Usage: tools/long_functions.py [LIMIT] [PATHS...]; exit 1 if any
function is too long and not exempt."""
import re, sys, pathlib

def functions(path):
    lines = path.read_text(encoding="utf-8").split("\n")
    i = 0
    sig = re.compile(r"^\s*(pub(\([^)]*\))?\s+)?(const\s+)?(async\s+)?(unsafe\s+)?fn\s+(\w+)")
    while i < len(lines):
        m = sig.match(lines[i])
        if not m:
            i += 1
            continue
        name, start = m.group(6), i
        depth, seen = 0, False
        j = i
        while j < len(lines):
            code = re.sub(r'"(\\.|[^"\\])*"', '""', lines[j].split("//")[0])
            code = re.sub(r"'(\\.|[^'\\])'", "''", code)
            depth += code.count("{") - code.count("}")
            if "{" in code:
                seen = True
            if seen and depth <= 0:
                break
            if not seen and code.rstrip().endswith(";"):
                break
            j += 1
        above = "\n".join(lines[max(0, start - 3):start])
        yield name, start + 1, j - start + 1, "long:" in above
        i = start + 1

def main():
    args = sys.argv[1:]
    limit = int(args.pop(0)) if args and args[0].isdigit() else 120
    roots = [pathlib.Path(a) for a in (args or ["src"])]
    bad = 0
    for root in roots:
        for p in sorted(root.rglob("*.rs")) if root.is_dir() else [root]:
            for name, line, n, exempt in functions(p):
                if n > limit:
                    print(f"{p}:{line}: fn {name} is {n} lines{' (reason given)' if exempt else ''}")
                    bad += 0 if exempt else 1
    sys.exit(1 if bad else 0)

main()
