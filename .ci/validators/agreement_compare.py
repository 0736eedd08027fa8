#!/usr/bin/env python3
"""`entitle agree --json` against NLTK on the project's own CoNLL exports.

Usage:
  python agreement_compare.py ENTITLE_BINARY PROJECT [PROJECT ...]

For each project: runs `entitle agree PROJECT --json` (IOB2 tags, then --tags type),
exports each compared annotator's layer with `entitle export --format conll --scheme
iob2`, keeps the documents `entitle agree` compared (the others are dropped from the
CoNLL files), runs agreement_nltk.py (beside this file) on them with --labels full and
--labels type, and compares Ao, kappa, pi, multi_kappa, alpha (and sklearn's Cohen's
kappa for two annotators) to 1e-6. Exit 1 on any difference, or if nothing was compared.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
EPS = 1e-6


def run(*args):
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def split_docs(path):
    """The export's documents, each the list of its lines (with -DOCSTART-)."""
    docs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("-DOCSTART-"):
                docs.append([])
            docs[-1].append(line)
    return docs


def main():
    binary, projects = sys.argv[1], sys.argv[2:]
    failures, compared = 0, 0
    for project in projects:
        for tags, labels in (("iob2", "full"), ("type", "type")):
            report = json.loads(run(binary, "agree", project, "--json", "--tags", tags))
            ids = [d["id"] for d in report["per_document"]]
            # The export's documents are in the project's order; agree's are too.
            all_ids = ids + [s["id"] for s in report["skipped"]]
            with tempfile.TemporaryDirectory() as tmp:
                files = []
                for a in report["annotators"]:
                    out = os.path.join(tmp, a + ".conll")
                    run(binary, "export", project, "--format", "conll", "--scheme", "iob2",
                        "--annotator", a, "--output", out)
                    docs = split_docs(out)
                    if len(docs) != len(all_ids):
                        print(f"FAIL {project}: {len(docs)} documents exported, {len(all_ids)} known")
                        return 1
                    names = sorted(all_ids, key=lambda x: [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", x)])
                    kept = [d for n, d in zip(names, docs) if n in ids]
                    path = os.path.join(tmp, a + ".kept.conll")
                    with open(path, "w", encoding="utf-8") as f:
                        f.writelines(line for d in kept for line in d)
                    files.append(path)
                out = run(sys.executable, os.path.join(HERE, "agreement_nltk.py"), *files, "--labels", labels)
            theirs = dict(re.findall(r"^(\w+)=(-?[0-9.]+|nan)$", out, re.M))
            ours = report["overall"]["with_o"]
            pairs = [("Ao", "ao"), ("kappa", "kappa"), ("pi", "pi"), ("multi_kappa", "multi_kappa"),
                     ("alpha", "alpha"), ("sklearn_cohen_kappa", "kappa")]
            for k, ok in pairs:
                if k not in theirs:
                    continue
                t, o = float(theirs[k]), ours[ok]
                compared += 1
                if o is None or abs(o - t) > EPS:
                    print(f"FAIL {project} --tags {tags}: {k} entitle {o}, nltk {t}")
                    failures += 1
            print(f"{project} --tags {tags}: {len(ids)} documents, {ours['items']} tokens, "
                  f"kappa {ours['kappa']:.6f} pi {ours['pi']:.6f} alpha {ours['alpha']:.6f} "
                  f"(nltk {theirs.get('kappa')} {theirs.get('pi')} {theirs.get('alpha')})")
    if compared == 0:
        print("FAIL: nothing compared")
        return 1
    print(f"{compared} figures compared, {failures} different")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
