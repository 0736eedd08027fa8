#!/usr/bin/env python3
"""Compare Entitle's pattern engine (src/suggest/patterns) with spaCy's own EntityRuler.

spaCy's blank English pipeline gets an `entity_ruler` with the patterns of PATTERNS
(a patterns.jsonl) and runs on every TEXT; Entitle's matches come from
`examples/patterns_dump.rs`. Both must give the same entities (start_char, end_char,
label) and the same tokens. Entitle's extensions are translated for spaCy:

- `"attr": "LOWER"` on a phrase line: a token pattern of the phrase's lower-cased tokens
  (what spaCy's PhraseMatcher does with `phrase_matcher_attr="LOWER"`);
- `"regex"` lines: Python's `re.finditer` (flag MULTILINE) on the text, kept where they
  overlap nothing spaCy found, longest first, then earliest, then the first line;
- a label with white space: each run becomes `_` (Entitle's Label::sanitize).

Exits 1 on any difference and when no entity was found at all (a check that cannot
fail checks nothing); prints the differences.

    spacy_patterns_check.py PATTERNS TEXT... [--dump CMD] [--write-expected FILE]

--dump: the command printing Entitle's matches (default: `cargo run -q --example
patterns_dump --`). --write-expected: write spaCy's entities as JSON lines (the file
tests pin: testdata/patterns/expected.jsonl).
"""
import argparse
import json
import os
import re
import shlex
import subprocess
import sys

import spacy


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("patterns")
    ap.add_argument("texts", nargs="+")
    ap.add_argument("--dump", default="cargo run -q --example patterns_dump --")
    ap.add_argument("--write-expected")
    args = ap.parse_args()

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    spacy_patterns, regexes = [], []
    with open(args.patterns, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            p = json.loads(line)
            if "regex" in p:
                regexes.append((n, p["label"], re.compile(p["regex"], re.MULTILINE)))
                continue
            if str(p.get("attr", "")).upper() == "LOWER":
                words = nlp.make_doc(p["pattern"])
                p = {k: v for k, v in p.items() if k != "attr"}
                p["pattern"] = [{"LOWER": t.lower_} for t in words]
            spacy_patterns.append(p)
    ruler.add_patterns(spacy_patterns)
    print(f"{len(spacy_patterns)} patterns for spaCy {spacy.__version__}, {len(regexes)} regexes")

    def label(name):
        return re.sub(r"\s+", "_", name.strip())

    expected, tokens = {}, {}
    for path in args.texts:
        with open(path, encoding="utf-8", newline="") as f:
            text = f.read()
        doc = nlp(text)
        tokens[path] = [[t.idx, t.idx + len(t.text)] for t in doc]
        ents = [(e.start_char, e.end_char, label(e.label_), e.id_ or None) for e in doc.ents]
        taken = [False] * len(text)
        for s, e, _, _ in ents:
            taken[s:e] = [True] * (e - s)
        found = []
        for order, (_, lab, rx) in enumerate(regexes):
            for m in rx.finditer(text):
                if m.end() > m.start():
                    found.append((m.start(), m.end(), order, lab))
        found.sort(key=lambda x: (-(x[1] - x[0]), x[0], x[2]))
        for s, e, _, lab in found:
            if not any(taken[s:e]):
                taken[s:e] = [True] * (e - s)
                ents.append((s, e, label(lab), None))
        expected[path] = sorted(ents)

    cmd = shlex.split(args.dump) + ["--tokens", args.patterns] + args.texts
    run = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8")
    if run.returncode != 0:
        print(run.stderr, file=sys.stderr)
        sys.exit(f"{' '.join(cmd)}: exit {run.returncode}")
    print(run.stderr.strip())
    got = {p: [] for p in args.texts}
    got_tokens = {}
    for line in run.stdout.splitlines():
        m = json.loads(line)
        if "tokens" in m:
            got_tokens[m["file"]] = m["tokens"]
        else:
            got.setdefault(m["file"], []).append((m["start"], m["end"], m["label"], m["id"]))

    failures = 0
    total = 0
    for path in args.texts:
        with open(path, encoding="utf-8", newline="") as f:
            text = f.read()
        want, have = set(expected[path]), set(got[path])
        total += len(want)
        for s, e, lab, i in sorted(want - have):
            print(f"MISSING {path} {s}-{e} {lab} {i or ''} {text[s:e]!r}")
            failures += 1
        for s, e, lab, i in sorted(have - want):
            print(f"EXTRA   {path} {s}-{e} {lab} {i or ''} {text[s:e]!r}")
            failures += 1
        ts, te = tokens[path], got_tokens.get(path, [])
        if ts != te:
            a = {tuple(t) for t in ts}
            b = {tuple(t) for t in te}
            for s, e in sorted(a - b)[:20]:
                print(f"TOKEN spaCy only {path} {s}-{e} {text[s:e]!r}")
            for s, e in sorted(b - a)[:20]:
                print(f"TOKEN Entitle only {path} {s}-{e} {text[s:e]!r}")
            failures += 1
        print(f"{os.path.basename(path)}: {len(want)} entities (spaCy), {len(have)} (Entitle), {len(ts)} tokens")

    if args.write_expected:
        with open(args.write_expected, "w", encoding="utf-8", newline="\n") as f:
            for path in args.texts:
                for s, e, lab, i in expected[path]:
                    f.write(json.dumps({"file": os.path.basename(path), "start": s, "end": e,
                                        "label": lab, "id": i}, ensure_ascii=False) + "\n")
    if total == 0:
        sys.exit("FAIL: spaCy found no entity at all: nothing was compared")
    if failures:
        sys.exit(f"FAIL: {failures} differences")
    print(f"OK: {total} entities in {len(args.texts)} texts, the same in spaCy and Entitle")


if __name__ == "__main__":
    main()
