"""spaCy's side of the learning curve (tools/learning_curve.sh): for every
train-s{shuffle}-n{size}.jsonl written by `examples/learning_curve.rs`, train a blank
English NER pipeline (`spacy init config --lang en --pipeline ner --optimize efficiency`)
on CPU with a fixed number of steps, and score it on heldout.jsonl with spaCy's scorer
(ents_p, ents_r, ents_f: exact spans, as the Rust side). Writes spacy-curve.csv.

    python tools/spacy_curve.py DIR [MAX_STEPS]

No dev set is taken from the held-out documents: the training subset doubles as
spaCy's dev set, early stopping is off (patience 0) and model-last is scored, so the
held-out documents are seen only once, at the end.
"""
import csv
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import time

import spacy
from spacy.tokens import DocBin
from spacy.training import Example


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def to_docs(nlp, records):
    docs = []
    for r in records:
        doc = nlp.make_doc(r["text"])
        ents = []
        for s in r["spans"]:
            span = doc.char_span(s["start"], s["end"], label=s["label"], alignment_mode="expand")
            if span is not None:
                ents.append(span)
        doc.ents = spacy.util.filter_spans(ents)
        docs.append(doc)
    return docs


def main():
    out = sys.argv[1]
    max_steps = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    blank = spacy.blank("en")
    config = os.path.join(out, "spacy-config.cfg")
    subprocess.run(
        [sys.executable, "-m", "spacy", "init", "config", config, "--lang", "en",
         "--pipeline", "ner", "--optimize", "efficiency", "--force"],
        check=True, stdout=subprocess.DEVNULL)
    held = to_docs(blank, read_jsonl(os.path.join(out, "heldout.jsonl")))
    rows = []
    for path in sorted(glob.glob(os.path.join(out, "train-s*-n*.jsonl"))):
        m = re.search(r"train-s(\d+)-n(\w+)\.jsonl$", path)
        shuffle, size = m.group(1), m.group(2)
        docs = to_docs(blank, read_jsonl(path))
        entities = sum(len(d.ents) for d in docs)
        spacy_path = path[:-len(".jsonl")] + ".spacy"
        DocBin(docs=docs).to_disk(spacy_path)
        model = os.path.join(out, f"spacy-s{shuffle}-n{size}")
        t0 = time.time()
        subprocess.run(
            [sys.executable, "-m", "spacy", "train", config, "--output", model,
             "--paths.train", spacy_path, "--paths.dev", spacy_path,
             "--training.max_steps", str(max_steps), "--training.max_epochs", "0",
             "--training.patience", "0", "--training.eval_frequency", str(max_steps),
             "--training.seed", str(int(shuffle)), "--gpu-id", "-1"],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        train_s = time.time() - t0
        nlp = spacy.load(os.path.join(model, "model-last"))
        examples = [Example(nlp.make_doc(d.text), d) for d in held]
        scores = nlp.evaluate(examples)
        # Models are ~10 MB each and only their scores are kept.
        shutil.rmtree(model, ignore_errors=True)
        row = dict(shuffle=shuffle, size=size, entities=entities,
                   precision=round(scores["ents_p"], 4), recall=round(scores["ents_r"], 4),
                   f1=round(scores["ents_f"], 4), train_s=round(train_s, 1), max_steps=max_steps)
        print(row, flush=True)
        rows.append(row)
    with open(os.path.join(out, "spacy-curve.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


if __name__ == "__main__":
    main()
