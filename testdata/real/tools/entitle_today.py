"""Run `entitle validate FILE --format F` on every file of expected.json and compare.

  python3 testdata/real/tools/entitle_today.py [path/to/entitle]   (default target/debug/entitle)
Writes testdata/real/today.json and prints one line per file.
"""
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = sys.argv[1] if len(sys.argv) > 1 else "target/debug/entitle"
SUMMARY = re.compile(r"entitle: (\d+) documents?, (\d+) spans? read; (\d+) problems?")


def main():
    exp = json.loads((ROOT / "expected.json").read_text(encoding="utf-8"))
    out = {}
    for key, e in exp.items():
        fmt = e["format"]
        path = ROOT / key
        p = subprocess.run([BIN, "validate", str(path), "--format", fmt], capture_output=True, text=True, timeout=120)
        text = p.stdout + p.stderr
        m = SUMMARY.search(text)
        lines = [l for l in text.splitlines() if l.strip() and not SUMMARY.search(l)]
        # older builds print "FILE: warning: ...", newer ones "warning: FILE: ..." and end with
        # "...; N warnings, M errors"; prefer the summary's own counts when it has them
        warnings = [l for l in lines if ": warning: " in l or l.startswith("warning:")]
        errors = [l for l in lines if l not in warnings]
        counts = re.search(r"(\d+) warnings?, (\d+) errors?", m.string[m.end():].splitlines()[0]) if m else None
        r = {"format": fmt, "rc": p.returncode, "panic": "panicked" in text,
             "documents": int(m.group(1)) if m else None, "spans": int(m.group(2)) if m else None,
             "problems": int(m.group(3)) if m else None,
             "warnings": int(counts.group(1)) if counts else len(warnings),
             "errors": int(counts.group(2)) if counts else len(errors),
             "messages": [l.replace(str(ROOT) + "/", "") for l in lines][:12]}
        # what survives into Entitle's own JSONL (relations, notes, attributes, normalizations, fragments)
        with tempfile.TemporaryDirectory() as t:
            o = Path(t) / "out.jsonl"
            c = subprocess.run([BIN, "convert", str(path), "--from", fmt, "--to", "jsonl", "--output", str(o)],
                               capture_output=True, text=True, timeout=120)
            if o.exists():
                recs = [json.loads(l) for l in o.read_text(encoding="utf-8").splitlines() if l.strip()]
                sp = [s for rr in recs for s in rr.get("spans", [])]
                r["converted"] = {"documents": len(recs), "spans": len(sp),
                                  "relations": sum(len(rr.get("relations", [])) for rr in recs),
                                  "spans_with_note": sum(1 for s in sp if s.get("note")),
                                  "attributes": sum(len(s.get("attributes", {}) or {}) for s in sp),
                                  "normalizations": sum(len(s.get("normalizations", []) or []) for s in sp),
                                  "discontinuous": sum(1 for s in sp if s.get("fragments")),
                                  "labels": sorted({s.get("label") for s in sp})[:12]}
            else:
                r["converted"] = f"no output (rc={c.returncode})"
        rel_e = e.get("relations")
        rel_t = r["converted"]["relations"] if isinstance(r["converted"], dict) else None
        r["agrees"] = (r["documents"] == e["documents"] and r["spans"] == e["spans"])
        r["relations_agree"] = (rel_e in (None, 0) and rel_t in (None, 0)) or rel_e == rel_t
        out[key] = r
        print(f"{'OK ' if r['agrees'] else 'DIFF'} {key}: entitle docs={r['documents']} spans={r['spans']} "
              f"rel={r['converted']['relations'] if isinstance(r['converted'], dict) else '-'} warn={r['warnings']} err={r['errors']} rc={r['rc']}{' PANIC' if r['panic'] else ''} | expected docs={e['documents']} spans={e['spans']} rel={e.get('relations')}")
    (ROOT / "today.json").write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
