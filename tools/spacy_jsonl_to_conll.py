"""The same conversion as `entitle convert --from jsonl --to conll`, written as a plain
spaCy script, for the side-by-side timing in BENCHMARKS.md.

Usage: python tools/spacy_jsonl_to_conll.py corpus.jsonl out.conll
"""
import json
import sys

import spacy
from spacy.training import biluo_to_iob, offsets_to_biluo_tags

nlp = spacy.blank("en")
with open(sys.argv[1], encoding="utf-8") as f, open(sys.argv[2], "w", encoding="utf-8") as out:
    for line in f:
        d = json.loads(line)
        doc = nlp.make_doc(d["text"])
        ents = [(s["start"], s["end"], s["label"]) for s in d.get("spans", [])]
        tags = biluo_to_iob(offsets_to_biluo_tags(doc, ents))
        out.write("-DOCSTART- -X- O O\n\n")
        for tok, tag in zip(doc, tags):
            if not tok.is_space:
                out.write(f"{tok.text} {tag}\n")
        out.write("\n")
