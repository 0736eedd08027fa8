#!/usr/bin/env python3
"""Write starting inputs for the fuzz targets (fuzz/corpus/<target>/) from the test data:
real files from other tools (testdata/real), the malformed fixtures (testdata/malformed),
the sample project and the Unicode fixture. Run once before fuzzing; the fuzzers then
grow the corpus and `cargo fuzz cmin` keeps it small (fuzz/README.md)."""
import hashlib, pathlib, sys

root = pathlib.Path(__file__).resolve().parent.parent
out = root / "fuzz" / "corpus"

def put(target, data):
    d = out / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)

def files(*globs):
    for g in globs:
        for p in sorted(root.glob(g)):
            if p.is_file():
                yield p

JSONL_FLAVORS = {"jsonl": 0, "spacy-jsonl": 1, "doccano": 2, "prodigy": 3}
for d, flavor in JSONL_FLAVORS.items():
    for p in files(f"testdata/real/{d}/*", f"testdata/malformed/{d}/*"):
        data = p.read_bytes()
        if len(data) <= 64_000:
            put("jsonl", bytes([flavor]) + data)
for p in files("testdata/real/brat/*/*.txt", "testdata/malformed/brat/**/*.txt"):
    ann = p.with_suffix(".ann")
    if ann.exists():
        put("brat", p.read_bytes() + b"\0\0" + ann.read_bytes())
for p in files("testdata/real/conll/*", "testdata/malformed/conll/*"):
    put("conll", p.read_bytes())
for p in files("testdata/real/spacy/*.spacy", "testdata/malformed/spacy/*"):
    put("docbin", p.read_bytes())
for p in files("testdata/real/label-studio/*.json", "testdata/malformed/label-studio/*"):
    data = p.read_bytes()
    if len(data) <= 64_000:
        put("label_studio", data)
for p in files("testdata/real/webanno-tsv/*", "testdata/malformed/webanno-tsv/*"):
    put("webanno", b"\0" + p.read_bytes())
    put("webanno", b"\1" + p.read_bytes())
for p in files("testdata/*.txt", "assets/sample/docs/*.txt", "testdata/malformed/txt/*"):
    put("txt", p.read_bytes())
    put("config", (root / "assets/sample/entitle.toml").read_bytes())
for p in files("testdata/annotation-files/*.json"):
    text = p.with_suffix(".txt")
    if text.exists():
        put("annotation_file", text.read_bytes() + b"\0\0" + p.read_bytes())
put("config", b"format_version = 1\n[[labels]]\nname = \"Job Title\"\ncolor = \"#112233\"\n")
put("config", b"format_version = 1\nname = \"News\"\n")
# Patterns: the fixture file in pieces of 13 lines, and operators with a bad line.
lines = (root / "testdata/patterns/patterns.jsonl").read_bytes().splitlines(keepends=True)
for i in range(0, len(lines), 13):
    put("patterns", b"".join(lines[i:i + 13]))
put("patterns", b'{"label": "X", "pattern": [{"OP": "*"}, {"LENGTH": {">=": 3}, "OP": "{1,3}"}, '
    b'{"IS_PUNCT": true, "OP": "!"}]}\n{bad\n{"label": "A B", "pattern": "isn\'t"}\n')
print("seeds:", {d.name: len(list(d.iterdir())) for d in sorted(out.iterdir())})
