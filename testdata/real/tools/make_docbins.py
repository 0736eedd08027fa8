"""Regenerate the .spacy DocBin files in testdata/real/spacy/ with spaCy itself.

DocBin is binary and cannot be copied out of a repository as text, so these files are
*generated* by spaCy 3.8.18 from the real inputs collected under testdata/real/:

  spacy-convert-ner-token-per-line.spacy  python -m spacy convert conll/spacy-ner-token-per-line.iob --converter ner -n 10
  spacy-convert-nerpy-en_iob1.spacy        python -m spacy convert conll/nerpy-en_iob1.txt --converter conll
                                           (CoNLL-2003 '-DOCSTART- -X- -X- O' lines are NOT recognised by spaCy -> tokens)
  spacy-convert-flair-fashion.spacy        python -m spacy convert conll/flair-fashion-eng.testa --converter conll -n 0
  explosion-ner_demo_update-train.spacy   what explosion/projects pipelines/ner_demo_update/scripts/convert.py does:
                                           nlp.make_doc(text); doc.char_span(s, e, label); doc.ents = ents
  brat-news-100-spangroups.spacy           brat tutorial 100-attribute_annotation: entities -> doc.ents,
                                           every T span -> doc.spans["sc"], every event's extent (trigger..args)
                                           -> doc.spans["events"] (these overlap the entities and each other)

Run: /tmp/entitle-validators/bin/python testdata/real/tools/make_docbins.py
"""
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import spacy
from spacy.tokens import DocBin, Span

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "spacy"
OUT.mkdir(exist_ok=True)


def convert(src: Path, dest_name: str, converter: str, n_sents: int):
    with tempfile.TemporaryDirectory() as tmp:
        # spacy convert picks the output name from the input's stem
        subprocess.run([sys.executable, "-m", "spacy", "convert", str(src), tmp,
                        "--converter", converter, "--n-sents", str(n_sents),
                        "--file-type", "spacy"], check=True, capture_output=True)
        produced = next(Path(tmp).glob("*.spacy"))
        (OUT / dest_name).write_bytes(produced.read_bytes())


def ner_demo():
    nlp = spacy.blank("en")
    data = json.loads((ROOT / "spacy-jsonl" / "explosion-ner_demo_update-train.json").read_text())
    db = DocBin()
    for text, annot in data:
        doc = nlp.make_doc(text)
        ents = []
        for s, e, label in annot["entities"]:
            span = doc.char_span(s, e, label=label)
            if span is None:
                raise SystemExit(f"misaligned {s}-{e} in {text!r}")
            ents.append(span)
        doc.ents = ents
        db.add(doc)
    db.to_disk(OUT / "explosion-ner_demo_update-train.spacy")


def brat_spangroups():
    d = ROOT / "brat" / "news-100-attribute_annotation"
    text = (d / "100-attribute_annotation.txt").read_text(encoding="utf-8")
    nlp = spacy.blank("en")
    doc = nlp.make_doc(text)
    tb, events = {}, []
    for line in (d / "100-attribute_annotation.ann").read_text(encoding="utf-8").splitlines():
        ident, data = line.split("\t")[:2]
        if ident.startswith("T"):
            typ, s, e = data.split(" ")
            tb[ident] = (typ, int(s), int(e))
        elif ident.startswith("E"):
            events.append((ident, data.split(" ")))
    entity_types = {"Person", "Organization", "GPE", "Money"}
    ents, sc = [], []
    for ident, (typ, s, e) in tb.items():
        span = doc.char_span(s, e, label=typ, alignment_mode="strict")
        assert span is not None, (ident, typ, s, e)
        sc.append(span)
        if typ in entity_types:
            ents.append(span)
    doc.ents = sorted(ents, key=lambda sp: sp.start)
    doc.spans["sc"] = sc

    def extent(eid, seen=()):
        for ident, parts in events:
            if ident == eid:
                typ, trig = parts[0].split(":")
                offs = [tb[trig][1:]]
                for arg in parts[1:]:
                    ref = arg.split(":")[1]
                    offs.append(tb[ref][1:] if ref.startswith("T") else extent(ref)[1:])
                return typ, min(o[0] for o in offs), max(o[1] for o in offs)
        raise KeyError(eid)

    ev = []
    for ident, _ in events:
        typ, s, e = extent(ident)
        ev.append(doc.char_span(s, e, label=typ, alignment_mode="expand"))
    doc.spans["events"] = ev
    db = DocBin(docs=[doc], store_user_data=False)
    db.to_disk(OUT / "brat-news-100-spangroups.spacy")


if __name__ == "__main__":
    convert(ROOT / "conll" / "spacy-ner-token-per-line.iob", "spacy-convert-ner-token-per-line.spacy", "ner", 10)
    convert(ROOT / "conll" / "nerpy-en_iob1.txt", "spacy-convert-nerpy-en_iob1.spacy", "conll", 10)
    convert(ROOT / "conll" / "flair-fashion-eng.testa", "spacy-convert-flair-fashion.spacy", "conll", 0)
    ner_demo()
    brat_spangroups()
    for f in sorted(OUT.glob("*.spacy")):
        print(f.name, f.stat().st_size)
