"""Derive testdata/real/expected.json: what each file holds, according to the defining
tool's own reader (or the closest trusted implementation, named in "reader").

Run from the repository root:
  /tmp/entitle-validators/bin/python testdata/real/tools/expected.py
Needs the venv of /work/shared/validators/requirements.txt (spaCy 3.8.18, seqeval 1.2.2,
pybrat 0.1.7, label-studio-converter 0.0.59) and, for brat, brat_check.py from
$VALIDATORS (default /work/shared/validators).
"""
import collections
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]          # testdata/real
VALIDATORS = Path(os.environ.get("VALIDATORS", "/work/shared/validators"))
sys.path.insert(0, str(VALIDATORS))
BIN = Path(sys.executable).parent


def rel(p: Path) -> str:
    return str(p.relative_to(ROOT))


def u16(s):  # code point index -> UTF-16 index table
    out, n = [0], 0
    for ch in s:
        n += 2 if ord(ch) > 0xFFFF else 1
        out.append(n)
    return out


# ---------------------------------------------------------------- brat
def brat(d: Path):
    from brat_check import strict
    ann = next(d.glob("*.ann"))
    txt = ann.with_suffix(".txt")
    text = txt.read_text(encoding="utf-8") if False else open(txt, encoding="utf-8", newline="").read()
    probs, _ = strict(str(ann), text)
    kinds = collections.Counter()
    notes = collections.Counter()
    frag = 0
    triggers = set()
    for line in open(ann, encoding="utf-8", newline="").read().split("\n"):
        if not line.strip():
            continue
        ident, data = line.split("\t")[:2]
        k = "*" if ident == "*" else ident[0]
        kinds[k] += 1
        if k == "T" and ";" in data:
            frag += 1
        if k == "#":
            notes[data.split(" ")[0]] += 1
        if k == "E":
            triggers.add(data.split(" ")[0].split(":")[1])
    res = {
        "format": "brat", "documents": 1,
        "spans": kinds["T"], "relations": kinds["R"], "events": kinds["E"],
        "attributes": kinds["A"], "modifiers_M": kinds["M"], "normalizations": kinds["N"],
        "notes": sum(notes.values()), "notes_by_type": dict(notes), "equivalences": kinds["*"],
        "discontinuous_spans": frag, "event_trigger_spans": len(triggers),
        "strict_problems": [f"line {n}: {m}" for n, m in probs],
    }
    try:
        from pybrat.parser import BratParser
        with tempfile.TemporaryDirectory() as t:
            import shutil
            shutil.copy(ann, Path(t) / "doc.ann"); shutil.copy(txt, Path(t) / "doc.txt")
            ex = BratParser(error="raise").parse(t)[0]
            res["pybrat"] = {"entities": len(ex.entities), "relations": len(ex.relations), "events": len(ex.events)}
    except Exception as e:
        res["pybrat"] = f"failed: {type(e).__name__}: {e}"
    res["reader"] = "brat_check.py strict (restates nlplab/brat server/src/annotation.py) + pybrat 0.1.7 BratParser; line counts by ID letter"
    return rel(ann.parent), res


# ---------------------------------------------------------------- CoNLL
def conll_blocks(lines, token_col=0, tag_col=-1, sep=None, docstart="-DOCSTART-", comment=None):
    docs, sents, cur = [], [], []
    docs_seen = 0
    content_in_doc = False
    n_docs = 0
    for raw in lines:
        line = raw.rstrip("\r\n")
        if comment and line.startswith(comment):
            continue
        if not line.strip():
            if cur:
                sents.append(cur); cur = []
            continue
        cols = line.split(sep) if sep else line.split()
        if cols[0] == docstart:
            if cur:
                sents.append(cur); cur = []
            if content_in_doc:
                n_docs += 1
            content_in_doc = False
            docs_seen += 1
            continue
        cur.append((cols[token_col], cols[tag_col] if len(cols) > 1 else None))
        content_in_doc = True
    if cur:
        sents.append(cur)
    if content_in_doc:
        n_docs += 1
    return max(n_docs, 1 if sents else 0), docs_seen, sents


def conll(path: Path, scheme: str, **kw):
    from seqeval.metrics.sequence_labeling import get_entities
    from seqeval.scheme import Entities, IOB1, IOB2, IOBES, BILOU
    S = {"IOB1": IOB1, "IOB2": IOB2, "IOBES": IOBES, "BILOU": BILOU}
    note = kw.pop("note", None)
    skip_first = kw.pop("skip_first_line", False)
    with open(path, encoding="utf-8") as f:
        lines = f.readlines()
    if skip_first:
        lines = lines[1:]
    ndocs, docstarts, sents = conll_blocks(lines, **kw)
    tags = [[t for _, t in s] for s in sents]
    ents_default = sum(len(get_entities(t)) for t in tags)
    try:
        ents_strict = len(Entities(tags, scheme=S[scheme]).entities and [e for s in Entities(tags, scheme=S[scheme]).entities for e in s])
    except Exception as e:
        ents_strict = f"error: {e}"
    by_type = collections.Counter(e[0] for t in tags for e in get_entities(t))
    res = {"format": "conll", "scheme": scheme, "documents": ndocs, "docstart_lines": docstarts,
           "sentences": len(sents), "tokens": sum(len(s) for s in sents),
           "spans": ents_default, "spans_strict_mode": ents_strict, "spans_by_label": dict(by_type),
           "relations": 0,
           "reader": f"seqeval 1.2.2 get_entities (default/conlleval mode) and Entities(scheme={scheme}) strict; "
                     f"columns: token={kw.get('token_col', 0)}, tag={kw.get('tag_col', -1)}, sep={kw.get('sep') or 'whitespace'}"}
    if note:
        res["note"] = note
    return res


# ---------------------------------------------------------------- spaCy
def docbin(path: Path):
    import spacy
    from spacy.tokens import DocBin
    nlp = spacy.blank("en")
    docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
    groups = collections.Counter()
    for d in docs:
        for k, g in d.spans.items():
            groups[k] += len(g)
    return {"format": "spacy", "documents": len(docs), "tokens": sum(len(d) for d in docs),
            "spans": sum(len(d.ents) for d in docs), "ents_by_label": dict(collections.Counter(e.label_ for d in docs for e in d.ents)),
            "span_groups": dict(groups), "relations": 0,
            "reader": "spaCy 3.8.18 DocBin().from_disk(...).get_docs(spacy.blank('en').vocab); spans = len(doc.ents)"}


def spacy_json(path: Path):
    import spacy
    nlp = spacy.blank("en")
    data = json.loads(path.read_text(encoding="utf-8"))
    n_ok = n_bad = 0
    labels = collections.Counter()
    for text, annot in data:
        doc = nlp.make_doc(text)
        for s, e, lab in annot.get("entities", []):
            labels[lab] += 1
            if doc.char_span(s, e, label=lab, alignment_mode="strict") is None:
                n_bad += 1
            else:
                n_ok += 1
    return {"format": "spacy-jsonl", "shape": "JSON array of [text, {\"entities\": [[start, end, label]]}] (spaCy v2 simple training format, used by explosion/projects ner_demo*)",
            "documents": len(data), "spans": n_ok + n_bad, "spans_aligned": n_ok, "spans_misaligned": n_bad,
            "spans_by_label": dict(labels), "relations": 0, "offset_unit": "code points (ASCII text: cp = UTF-16 = bytes)",
            "reader": "json.load + spaCy 3.8.18 spacy.blank('en').make_doc(text).char_span(s, e, alignment_mode='strict') (as explosion/projects scripts/convert.py)"}


# ---------------------------------------------------------------- doccano
def read_json_records(path: Path):
    raw = path.read_text(encoding="utf-8")
    recs = []
    try:
        for line in raw.splitlines():
            if line.strip():
                recs.append(json.loads(line))
        return recs, "JSON Lines"
    except json.JSONDecodeError:
        return [json.loads(raw)], "one pretty-printed JSON object (not line-delimited)"


def doccano(path: Path):
    recs, layout = read_json_records(path)
    spans = rels = 0
    shapes = collections.Counter()
    users = collections.Counter()
    units = collections.Counter()
    for r in recs:
        text = r["text"]
        if "label" in r and isinstance(r["label"], list):
            shapes["label: [[s,e,L]]"] += 1; sp = [(s, e) for s, e, _ in r["label"]]
        elif "labels" in r and isinstance(r["labels"], list):
            shapes["labels: [[s,e,L]] (doccano-transformer / doccano 1.0 import)"] += 1; sp = [(s, e) for s, e, _ in r["labels"]]
        elif "entities" in r:
            shapes["entities+relations objects"] += 1
            sp = [(x["start_offset"], x["end_offset"]) for x in r["entities"]]; rels += len(r.get("relations", []))
        elif "annotations" in r:
            shapes["annotations: [{label:<id>, start_offset, end_offset, user}] (doccano <=1.0)"] += 1
            sp = [(x["start_offset"], x["end_offset"]) for x in r["annotations"]]
            for x in r["annotations"]:
                users[x.get("user")] += 1
        else:
            sp = []; shapes["no annotations"] += 1
        spans += len(sp)
        t16 = u16(text)
        for s, e in sp:
            cp_ok = e <= len(text)
            u_ok = e <= t16[-1]
            units["cp==u16 (text has no astral chars)" if t16[-1] == len(text) else ("cp" if cp_ok else "?")] += 1
    res = {"format": "doccano", "layout": layout, "documents": len(recs), "spans": spans, "relations": rels,
           "shapes": dict(shapes), "offset_unit": dict(units),
           "reader": "json per line, shapes as written by doccano backend/data_export/pipeline (labels.py Spans/Relations, formatters.py) "
                     "and read by doccano-transformer datasets.py (annotations[].user/label/start_offset/end_offset); "
                     "units checked against UTF-16 length (unit_guess.py needs span text, which doccano does not store)"}
    if users:
        res["spans_by_user"] = {str(k): v for k, v in users.items()}
        res["annotators"] = len(users)
    return res


# ---------------------------------------------------------------- Label Studio
def label_studio(path: Path, config: Path = None):
    data = json.loads(path.read_text(encoding="utf-8"))
    single = isinstance(data, dict)
    tasks = [data] if single else data
    per_task = []
    tot = collections.Counter()
    annotators = collections.Counter()
    for t in tasks:
        key = "annotations" if "annotations" in t else ("completions" if "completions" in t else None)
        anns = t.get(key, []) if key else []
        text = next((v for v in t.get("data", {}).values() if isinstance(v, str)), "")
        a_out = []
        for a in anns:
            types = collections.Counter(r.get("type") for r in a.get("result", []))
            mism = 0
            regs = sorted((r["value"]["start"], r["value"]["end"]) for r in a.get("result", []) if r.get("type") == "labels")
            overlap = sum(1 for i, x in enumerate(regs) for y in regs[i + 1:] if y[0] < x[1])
            for r in a.get("result", []):
                if r.get("type") == "labels":
                    v = r["value"]
                    if text[v["start"]:v["end"]] != v.get("text"):
                        mism += 1
            origins = collections.Counter(r.get("origin") for r in a.get("result", []) if r.get("type") == "labels")
            cb = a.get("completed_by")
            annotator = cb.get("id") if isinstance(cb, dict) else cb
            annotators[str(annotator)] += 1
            a_out.append({"id": a.get("id"), "completed_by": cb, "was_cancelled": bool(a.get("was_cancelled")),
                          "results_by_type": dict(types), "labels_regions": types["labels"], "relations": types["relation"],
                          "textareas": types["textarea"], "value_text_differs_from_slice": mism,
                          "labels_origin": {str(k): v for k, v in origins.items()}, "overlapping_region_pairs": overlap,
                          "embedded_prediction_regions": len((a.get("prediction") or {}).get("result", []))})
            if not a.get("was_cancelled"):
                tot["annotations"] += 1; tot["label_regions"] += types["labels"]; tot["relations"] += types["relation"]
            else:
                tot["cancelled"] += 1
        preds = t.get("predictions", [])
        tot["predictions"] += len(preds)
        per_task.append({"id": t.get("id"), "key": key, "annotations": a_out, "predictions": len(preds),
                         "prediction_results": [len(p.get("result", [])) if isinstance(p, dict) else f"id only ({p})" for p in preds],
                         "data_keys": sorted(t.get("data", {}).keys())})
    res = {"format": "label-studio", "layout": "single task object (not an array)" if single else "array of tasks",
           "documents": len(tasks), "annotations": tot["annotations"], "cancelled_annotations": tot["cancelled"],
           "spans": tot["label_regions"], "relations": tot["relations"], "predictions": tot["predictions"],
           "annotators": len(annotators), "annotations_by_annotator": dict(annotators),
           "per_task": per_task,
           "reader": "direct count of the export JSON (LS 1.x 'annotations' / LS 0.x 'completions'; was_cancelled excluded)"}
    if config == "derive":
        # no labeling config ships with the file: derive the minimal one (Labels + Text) from the results,
        # only so that label-studio-converter can be run on it
        pairs = collections.defaultdict(set)
        for t in tasks:
            for a in t.get("annotations", t.get("completions", [])) or []:
                for r in a.get("result", []):
                    if r.get("type") == "labels":
                        pairs[(r["from_name"], r["to_name"])].update(r["value"].get("labels", []))
        xml = "<View>\n" + "".join(
            f'  <Labels name="{f}" toName="{t}">\n' + "".join(f'    <Label value="{l}"/>\n' for l in sorted(ls)) + "  </Labels>\n"
            for (f, t), ls in sorted(pairs.items())) + "".join(
            f'  <Text name="{t}" value="${t}"/>\n' for t in sorted({t for _, t in pairs})) + "</View>\n"
        cfg_dir = tempfile.mkdtemp()
        config = Path(cfg_dir) / "derived-config.xml"
        config.write_text(xml, encoding="utf-8")
        res["label_studio_converter_config"] = "derived from the file's labels results (no config ships with it)"
    if config:
        with tempfile.TemporaryDirectory() as out:
            # label-studio-converter only reads LS >= 1.0 exports (a list of tasks with 'annotations');
            # give it the same file re-wrapped as a one-element list with completions renamed.
            conv_in = Path(out) / "in.json"
            fixed = []
            for t in tasks:
                t = dict(t)
                if "completions" in t:
                    t["annotations"] = t.pop("completions")
                fixed.append(t)
            conv_in.write_text(json.dumps(fixed))
            from label_studio_converter import Converter
            from seqeval.metrics.sequence_labeling import get_entities
            c = Converter(config=str(config), project_dir=out)
            c.convert(str(conv_in), str(Path(out) / "min"), "JSON_MIN", is_dir=False)
            mins = list((Path(out) / "min").glob("*.json"))
            jm = json.loads(mins[0].read_text()) if mins else []
            fld = [k for k in (jm[0] if jm else {}) if isinstance(jm[0][k], list)]
            res["label_studio_converter_json_min"] = {"records": len(jm), "regions": sum(len(x[f]) for x in jm for f in fld), "list_fields": fld}
            c.convert(str(conv_in), str(Path(out) / "conll"), "CONLL2003", is_dir=False)
            tags = [l.split()[-1] for l in (Path(out) / "conll" / "result.conll").read_text().splitlines()
                    if l.strip() and not l.startswith("-DOCSTART-")]
            res["label_studio_converter_conll2003"] = {"tokens": len(tags), "entities": len(get_entities(tags))}
            res["label_studio_converter_note"] = ("label-studio-converter 0.0.59 Python API (Converter.convert JSON_MIN and CONLL2003); "
                "LS 0.x files are given to it with 'completions' renamed to 'annotations' and wrapped in a list: the converter does not read "
                "LS 0.x files itself. CONLL2003 cannot hold overlapping regions, so its entity count can be lower than the region count")
    return res


# ---------------------------------------------------------------- Prodigy
def prodigy(path: Path):
    recs = [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]
    by = collections.defaultdict(lambda: {"examples": 0, "spans": 0, "relations": 0})
    bad = 0
    views = collections.Counter()
    rel_labels = collections.Counter()
    overlaps = 0
    rel_bad = 0
    choice_accepts = 0
    for r in recs:
        a = r.get("answer", "(none)")
        by[a]["examples"] += 1
        by[a]["spans"] += len(r.get("spans", []))
        by[a]["relations"] += len(r.get("relations", []))
        views[r.get("_view_id", "(none)")] += 1
        if isinstance(r.get("accept"), list):
            choice_accepts += len(r["accept"])
        toks = r.get("tokens", [])
        for s in r.get("spans", []):
            if r["text"][s["start"]:s["end"]] != s.get("text", r["text"][s["start"]:s["end"]]):
                bad += 1
            if "token_end" in s and toks and (toks[s["token_start"]]["start"] != s["start"] or toks[s["token_end"]]["end"] != s["end"]):
                bad += 1
        sp = sorted((s["start"], s["end"]) for s in r.get("spans", []))
        overlaps += sum(1 for i, x in enumerate(sp) for y in sp[i + 1:] if y[0] < x[1])
        keys = {(s["start"], s["end"], s.get("label")) for s in r.get("spans", [])}
        for rel in r.get("relations", []):
            rel_labels[rel.get("label")] += 1
            # head/child are token indices (the span's token_end); head_span/child_span must be spans of the task
            for end_key, sp_key in (("head", "head_span"), ("child", "child_span")):
                x = rel.get(sp_key) or {}
                if (x.get("start"), x.get("end"), x.get("label")) not in keys or x.get("token_end") != rel.get(end_key):
                    rel_bad += 1
    res = {"format": "prodigy", "documents": len(recs), "spans": sum(v["spans"] for v in by.values()),
           "relations": sum(v["relations"] for v in by.values()), "by_answer": dict(by),
           "view_ids": dict(views), "overlapping_span_pairs": overlaps,
           "span_offset_or_token_mismatches": bad, "offset_unit": "code points (checked: text[start:end] and token_start/token_end (inclusive) agree)",
           "reader": "json per line; Prodigy is proprietary, counts follow its documented task format (answer, spans[].token_end inclusive, "
                     "relations[].head/child = token index of the span end, head_span/child_span copies of spans)"}
    if rel_labels:
        res["relations_by_label"] = dict(rel_labels)
        res["relation_endpoints_not_matching_a_span"] = rel_bad
    if choice_accepts:
        res["choice_accept_ids"] = choice_accepts
    return res


# ---------------------------------------------------------------- WebAnno TSV 3.x
def webanno(path: Path):
    """Count by the WebAnno TSV 3.3 rules (INCEpTION inception-io-webanno-tsv Tsv3XDeserializer.java /
    webannotsv.adoc): header #T_SP/#T_CH/#T_RL -> columns; '_' empty, '*' present w/o value;
    stacked values split on unescaped '|'; [N] suffix identifies a multi-token/stacked unit."""
    import re
    lines = path.read_text(encoding="utf-8").split("\n")
    layers = []  # (kind, type, nfeatures/cols)
    for l in lines:
        if l.startswith("#T_SP=") or l.startswith("#T_CH=") or l.startswith("#T_RL="):
            kind = l[3:5]
            parts = l[6:].split("|")
            typ, feats = parts[0], [f for f in parts[1:] if f != ""]
            ncols = len(feats) if kind != "RL" else len(feats)  # RL: features + BT_ column (BT_ is in feats)
            if kind == "SP" and not feats:
                ncols = 1
            layers.append((kind, typ, feats, ncols))
    cols = []
    for kind, typ, feats, n in layers:
        for i in range(n):
            cols.append((kind, typ, feats[i] if i < len(feats) else None))
    sentences = sum(1 for l in lines if l.startswith("#Text="))
    sentence_ids = sum(1 for l in lines if l.startswith("#Sentence.id="))
    tokens = subtokens = zero_width = 0
    span_units = collections.defaultdict(set)      # layer -> set of unit keys
    rel_count = collections.Counter()
    chain_links = collections.Counter()
    splitter = re.compile(r"(?<!\\)\|")
    for l in lines:
        if not l or l.startswith("#"):
            continue
        f = l.split("\t")
        tid, offs = f[0], f[1]
        b, e = map(int, offs.split("-"))
        if "." in tid:
            subtokens += 1
        else:
            tokens += 1
        if b == e:
            zero_width += 1
        vals = f[3:3 + len(cols)]
        ci = 0
        for kind, typ, feats, n in layers:
            block = vals[ci:ci + n]; ci += n
            if kind == "SP":
                first = block[0]
                if first == "_":
                    continue
                for k, v in enumerate(splitter.split(first)):
                    m = re.search(r"\[(\d+)\]$", v)
                    key = ("id", m.group(1)) if m else ("row", tid, k)
                    span_units[typ].add(key)
            elif kind == "RL":
                last = block[-1]
                if last != "_":
                    rel_count[typ] += len(splitter.split(last))
            elif kind == "CH":
                # a chain link is a span annotation (e.g. CoreferenceLink) that points to the next link
                for v in block:
                    if "->" in v:
                        chain_links[typ] += len(splitter.split(v))
                for v in block:
                    if v != "_" and "->" not in v:
                        for k, x in enumerate(splitter.split(v)):
                            span_units[typ].add(("row", tid, k))
    ne = sum(len(v) for k, v in span_units.items() if k.endswith("NamedEntity"))
    return {"format": "webanno-tsv", "documents": 1, "sentences": sentences, "sentence_ids": sentence_ids,
            "tokens": tokens, "subtokens": subtokens, "zero_width_units": zero_width,
            "spans": sum(len(v) for v in span_units.values()), "named_entity_spans": ne,
            "spans_by_layer": {k: len(v) for k, v in span_units.items()},
            "relations": sum(rel_count.values()), "relations_by_layer": dict(rel_count),
            "chain_links": dict(chain_links), "chains": "each referenceType value [C] names its chain; links of one chain follow each other (C-L numbering)", "layers": [f"{k} {t}" for k, t, _, _ in layers],
            "offset_unit": "UTF-16 (all texts here are BMP-only, so cp == UTF-16)",
            "reader": "hand count per WebAnno TSV 3.3 spec (INCEpTION inception-io-webanno-tsv: Tsv3XDeserializer.java, "
                      "src/main/resources/.../webannotsv.adoc); no Python reader of TSV 3.x exists on PyPI"}


def main():
    exp = {}
    for d in sorted((ROOT / "brat").iterdir()):
        k, v = brat(d); exp[k] = v
    C = ROOT / "conll"
    exp["conll/spacy-ner-token-per-line.iob"] = conll(C / "spacy-ner-token-per-line.iob", "IOB2", sep="\t")
    exp["conll/nerpy-en_iob1.txt"] = conll(C / "nerpy-en_iob1.txt", "IOB1")
    exp["conll/nerpy-deu_iob1.txt"] = conll(C / "nerpy-deu_iob1.txt", "IOB1")
    exp["conll/flair-trivial_bioes_with_boundaries-test.txt"] = conll(C / "flair-trivial_bioes_with_boundaries-test.txt", "IOB2",
        note="despite the directory name the tags are BIO; bare 1-column '-DOCSTART-' lines (flair document_separator_token); no final newline")
    exp["conll/flair-fashion-eng.testa"] = conll(C / "flair-fashion-eng.testa", "IOB2", note="4 columns with '_' placeholders, no -DOCSTART-, no final newline")
    exp["conll/flair-germeval14-NER-de-dev.tsv"] = conll(C / "flair-germeval14-NER-de-dev.tsv", "IOB2", token_col=1, tag_col=2, sep="\t", comment="#",
        note="GermEval 2014 layout: '#' source line, index column, outer NE column (read here), nested NE column (all O). A reader taking the last column gets 0 entities")
    exp["conll/flair-column_corpus_options-eng.testa"] = conll(C / "flair-column_corpus_options-eng.testa", "IOB2", sep="\t",
        skip_first_line=True,
        note="flair ColumnCorpus test: header row 'WORD TAG' (read with flair's skip_first_line=True, column_delimiter=TAB) and a token containing a space ('Coca Cola')")
    exp["conll/ncrfpp-dev-iobes.bmes"] = conll(C / "ncrfpp-dev-iobes.bmes", "IOBES",
        note="NCRF++ sample_data/dev.bmes: despite the .bmes name the tags are IOBES (S-/B-/I-/E-, no M-); "
             "2 space-separated columns, '-DOCSTART- O' document rows, blank lines inside articles (Reuters line breaks), no final newline")
    r = exp["conll/flair-column_corpus_options-eng.testa"]
    r["note"] += "; whitespace-splitting readers see 4 tokens incl. 'WORD'/'TAG' and split 'Coca Cola' into token 'Coca' with tag 'Cola'"
    for f in sorted((ROOT / "spacy").glob("*.spacy")):
        exp[rel(f)] = docbin(f)
    for f in sorted((ROOT / "spacy-jsonl").glob("*.json")):
        exp[rel(f)] = spacy_json(f)
    for f in sorted((ROOT / "doccano").glob("*.jsonl")):
        exp[rel(f)] = doccano(f)
    L = ROOT / "label-studio"
    d = exp["doccano/doccano-import-relation_extraction-example.jsonl"]
    d["documents_doccano_importer"] = 0
    d["note"] = ("doccano's own importer (backend/data_import/pipeline/parsers.py JSONLParser) reads one JSON object per line, "
                 "so this pretty-printed example from the import page gives 0 documents and one parse error per line there; "
                 "read as one JSON object it holds 1 document, 4 entities, 3 relations (counts above)")
    exp["label-studio/ls-converter-0x-completions-348.json"] = label_studio(L / "ls-converter-0x-completions-348.json", L / "ls-converter-0x-completions-348.config.xml")
    exp["label-studio/ls-tests-previous_export.json"] = label_studio(L / "ls-tests-previous_export.json")
    exp["label-studio/ls-tests-text_with_2_predictions.json"] = label_studio(L / "ls-tests-text_with_2_predictions.json")
    exp["label-studio/nerine-nor-er-export-5-tasks-predictions.json"] = label_studio(L / "nerine-nor-er-export-5-tasks-predictions.json", "derive")
    exp["label-studio/ls-0x-example-named_entity-1.json"] = label_studio(L / "ls-0x-example-named_entity-1.json", "derive")
    for f in sorted((ROOT / "prodigy").glob("*.jsonl")):
        exp[rel(f)] = prodigy(f)
    for f in sorted((ROOT / "webanno-tsv").glob("*.tsv")):
        exp[rel(f)] = webanno(f)
    (ROOT / "expected.json").write_text(json.dumps(exp, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    for k, v in exp.items():
        print(f"{k}: docs={v['documents']} spans={v['spans']} rel={v.get('relations')}")


if __name__ == "__main__":
    main()
