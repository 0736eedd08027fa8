#!/usr/bin/env python3
"""Fixture projects for `entitle agree` and the figures NLTK and sklearn give on them.

Usage:
  python agreement_fixtures.py ENTITLE_BINARY OUT_DIR

Writes, for each fixture (two and three annotators), a project folder
OUT_DIR/<name>/ (entitle.toml, docs/*.txt, annotations/<annotator>/docs/*.json) and
OUT_DIR/<name>.expected.json. The expected figures come from:

- tokens and tags: each annotator's layer exported with Entitle's own CoNLL exporter
  (`entitle export --format conll --scheme iob2`), so the items are the tokens of the
  export (the script fails if two annotators' exports of a document have different
  tokens: every span boundary of the fixtures falls between tokens);
- token agreement: nltk.metrics.agreement.AnnotationTask (avg_Ao, kappa, pi,
  multi_kappa, alpha) as in agreement_nltk.py, for IOB2 tags and for types (prefix
  stripped), with every token ("with O") and with only the tokens at least one
  annotator tagged ("without O"); per label one-vs-rest (token is L or not), both
  ways; sklearn.metrics.cohen_kappa_score for two annotators;
- span and relation F1: computed here from the annotation files, independently of
  Entitle.

A coefficient is null where it is undefined: no items, or a single label on every
item (NLTK 3.10 returns 1.0 there, sklearn nan; Entitle writes null).

Texts have curly quotes, an astral emoji, combining marks, Arabic and CRLF.
"""
import hashlib
import json
import os
import subprocess
import sys
import tempfile

from nltk.metrics.agreement import AnnotationTask

CREATED = "2026-01-01T00:00:00Z"

# name -> (text, {annotator: spans or None (no file)}, {annotator: relations})
# A span: (surface text, occurrence, label) or (surface, occurrence, label, [fragment
# surfaces]) for a discontinuous one; a relation: (type, from span index, to index).
TWO = {
    "annotators": ["alice", "bob"],
    "docs": {
        "a-quotes": (
            "\u201cWe will not leave,\u201d said Amal Haddad, head of the Syrian "
            "Observatory in Homs. Haddad\u2019s group met the United Nations.\n",
            {
                "alice": [("Amal Haddad", 0, "PER"), ("Syrian Observatory", 0, "ORG"),
                          ("Homs", 0, "GPE"), ("Haddad", 1, "PER"), ("United Nations", 0, "ORG")],
                "bob": [("Amal Haddad", 0, "PER"), ("the Syrian Observatory", 0, "ORG"),
                        ("Homs", 0, "LOC"), ("United Nations", 0, "ORG"), ("We", 0, "PER")],
            },
            {
                "alice": [("Head_of", 0, 1), ("Located_in", 1, 2)],
                "bob": [("Head_of", 0, 1), ("Located_in", 1, 2)],
            },
        ),
        "b-emoji": (
            "Fans in Seoul \U0001F600 cheered as Park Seo-yeon and Kim Min-jun married on "
            "Tuesday \U0001F600.",
            {
                "alice": [("Seoul", 0, "GPE"), ("Park Seo-yeon", 0, "PER"),
                          ("Kim Min-jun", 0, "PER"), ("Tuesday", 0, "DATE")],
                "bob": [("Seoul", 0, "GPE"), ("Park Seo-yeon", 0, "PER"),
                        ("Kim Min-jun", 0, "PER"), ("Tuesday \U0001F600", 0, "DATE")],
            },
            {
                "alice": [("Spouse", 1, 2)],
                "bob": [("Spouse", 2, 1)],
            },
        ),
        "c-combining": (
            "Jose\u0301 Ram\u00edrez and Zoe\u0308 Martin of Cafe\u0301 Ne\u0301ro spoke in Marseille.",
            {
                "alice": [("Jose\u0301 Ram\u00edrez", 0, "PER"), ("Zoe\u0308 Martin", 0, "PER"),
                          ("Cafe\u0301 Ne\u0301ro", 0, "ORG"), ("Marseille", 0, "GPE")],
                "bob": [("Ram\u00edrez", 0, "PER"), ("Zoe\u0308 Martin", 0, "PER"),
                        ("Cafe\u0301 Ne\u0301ro", 0, "GPE")],
            },
            {},
        ),
        "d-arabic": (
            "\u0642\u0627\u0644 \u0645\u062d\u0645\u0648\u062f \u0627\u0644\u062d\u0644\u0628\u064a "
            "\u0641\u064a \u062d\u0644\u0628 \u0625\u0646 \u0627\u0644\u0623\u0645\u0645 "
            "\u0627\u0644\u0645\u062a\u062d\u062f\u0629 \u0648\u0635\u0644\u062a .",
            {
                "alice": [("\u0645\u062d\u0645\u0648\u062f \u0627\u0644\u062d\u0644\u0628\u064a", 0, "PER"),
                          ("\u062d\u0644\u0628", 1, "GPE"),
                          ("\u0627\u0644\u0623\u0645\u0645 \u0627\u0644\u0645\u062a\u062d\u062f\u0629", 0, "ORG")],
                "bob": [("\u0645\u062d\u0645\u0648\u062f", 0, "PER"),
                        ("\u062d\u0644\u0628", 1, "GPE"),
                        ("\u0627\u0644\u0623\u0645\u0645 \u0627\u0644\u0645\u062a\u062d\u062f\u0629", 0, "ORG")],
            },
            {},
        ),
        "e-crlf": (
            "Talks in Nairobi ended.\r\nReuters said the World Bank would pay.\r\n",
            {
                "alice": [("Nairobi", 0, "GPE"), ("Reuters", 0, "ORG"), ("World Bank", 0, "ORG")],
                "bob": [("Nairobi", 0, "GPE"), ("Reuters", 0, "ORG"), ("the World Bank", 0, "ORG")],
            },
            {},
        ),
        "f-only-alice": (
            "Only Alice read this about Brussels.",
            {"alice": [("Brussels", 0, "GPE")], "bob": None},
            {},
        ),
        "g-nothing": (
            "Nothing worth tagging happened here.",
            {"alice": [], "bob": []},
            {},
        ),
    },
}

THREE = {
    "annotators": ["alice", "bob", "carol"],
    "docs": {
        "a-nested": (
            "The Bank of Syria said on Monday that Rami Abdel Rahman left \u201cDamascus\u201d.",
            {
                "alice": [("Bank of Syria", 0, "ORG"), ("Syria", 0, "GPE"), ("Monday", 0, "DATE"),
                          ("Rami Abdel Rahman", 0, "PER"), ("Damascus", 0, "GPE")],
                "bob": [("The Bank of Syria", 0, "ORG"), ("Monday", 0, "DATE"),
                        ("Rami Abdel Rahman", 0, "PER"), ("Damascus", 0, "LOC")],
                "carol": [("Bank of Syria", 0, "ORG"), ("Rami", 0, "PER"),
                          ("Damascus", 0, "GPE"), ("said", 0, "EVENT")],
            },
            {
                "alice": [("Head_of", 3, 0)],
                "bob": [("Head_of", 2, 0)],
                "carol": [],
            },
        ),
        "b-mixed": (
            "Helena Duarte \U0001F600 flew from Lisbon to Brasi\u0301lia on 3 May.\r\n"
            "\u201cIt went well,\u201d Duarte told AFP.",
            {
                "alice": [("Helena Duarte", 0, "PER"), ("Lisbon", 0, "GPE"), ("Brasi\u0301lia", 0, "GPE"),
                          ("3 May", 0, "DATE"), ("Duarte", 1, "PER"), ("AFP", 0, "ORG")],
                "bob": [("Helena Duarte", 0, "PER"), ("Lisbon", 0, "GPE"), ("Brasi\u0301lia", 0, "GPE"),
                        ("May", 0, "DATE"), ("AFP", 0, "ORG")],
                "carol": [("Helena Duarte", 0, "PER"), ("Lisbon", 0, "LOC"), ("Brasi\u0301lia", 0, "GPE"),
                          ("3 May", 0, "DATE"), ("Duarte", 1, "PER"), ("AFP", 0, "ORG"),
                          ("Helena", 0, "PER", ["Helena", "told"])],
            },
            {},
        ),
        "c-same": (
            "Quiet day in Aleppo.",
            {
                "alice": [("Aleppo", 0, "GPE")],
                "bob": [("Aleppo", 0, "GPE")],
                "carol": [("Aleppo", 0, "GPE")],
            },
            {},
        ),
    },
}

CONFIG = """name = "{name}"

[[labels]]
name = "PER"
[[labels]]
name = "ORG"
[[labels]]
name = "GPE"
[[labels]]
name = "LOC"
[[labels]]
name = "DATE"
[[labels]]
name = "EVENT"

[[relations]]
name = "Head_of"
[[relations]]
name = "Located_in"
[[relations]]
name = "Spouse"
symmetric = true
"""


def find(text, surface, occurrence, after=0):
    at = after - 1
    for _ in range(occurrence + 1):
        at = text.find(surface, at + 1)
        if at < 0:
            raise SystemExit(f"fixture error: {surface!r} #{occurrence} not in {text!r}")
    return at


def place(text, span):
    """(start, end, label, fragments) in code points (Python str indices)."""
    surface, occ, label = span[:3]
    start = find(text, surface, occ)
    if len(span) == 4:
        frags, pos = [], 0
        for f in span[3]:
            s = find(text, f, 0, pos)
            frags.append((s, s + len(f)))
            pos = s + len(f)
        return (frags[0][0], frags[-1][1], label, tuple(frags))
    return (start, start + len(surface), label, ())


def write_project(root, name, fixture):
    os.makedirs(os.path.join(root, "docs"), exist_ok=True)
    with open(os.path.join(root, "entitle.toml"), "w", encoding="utf-8") as f:
        f.write(CONFIG.format(name=name))
    layers = {}  # annotator -> doc -> (spans, relations) or absent
    for doc, (text, spans, rels) in fixture["docs"].items():
        with open(os.path.join(root, "docs", doc + ".txt"), "wb") as f:
            f.write(text.encode("utf-8"))
        for a in fixture["annotators"]:
            if spans.get(a) is None:
                continue
            placed = [place(text, s) for s in spans[a]]
            relations = [(t, placed[i], placed[j]) for (t, i, j) in rels.get(a, [])]
            layers.setdefault(a, {})[doc] = (placed, relations)
            lines = []
            for k, (s, e, label, frags) in enumerate(placed):
                obj = {"id": k + 1, "start": s, "end": e, "label": label, "text": text[s:e],
                       "annotator": a, "created": CREATED}
                if frags:
                    obj["fragments"] = [list(x) for x in frags]
                lines.append(json.dumps(obj, ensure_ascii=False))
            rel_lines = []
            for k, (t, i, j) in enumerate(rels.get(a, [])):
                rel_lines.append(json.dumps({"id": k + 1, "label": t, "from": i + 1, "to": j + 1,
                                             "annotator": a, "created": CREATED}))
            body = {
                "entitle_annotations": 1,
                "document": "docs/" + doc,
                "annotator": a,
                "offset_unit": "code-point",
                "text_fingerprint": "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest(),
                "text_length": len(text),
                "status": "in-progress",
                "next_span_id": len(placed) + 1,
            }
            head = json.dumps(body, ensure_ascii=False)[:-1]
            out = head + ',\n"spans": [\n' + ",\n".join(lines) + "\n]"
            if rel_lines:
                out += ',\n"relations": [\n' + ",\n".join(rel_lines) + "\n]"
            out += ',\n"next_relation_id": %d\n}\n' % (len(rel_lines) + 1)
            path = os.path.join(root, "annotations", a, "docs", doc + ".json")
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(out)
    return layers


def read_conll_docs(path):
    """[(tokens, tags)] per document, as agreement_nltk.py reads a file."""
    docs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            cols = line.split()
            if cols and cols[0] == "-DOCSTART-":
                docs.append(([], []))
                continue
            if not cols:
                continue
            docs[-1][0].append(cols[0])
            docs[-1][1].append(cols[-1])
    return docs


def strip(tag):
    return tag[2:] if len(tag) > 2 and tag[1] == "-" else tag


def nltk_figures(series):
    """series: per annotator, the labels of the same items."""
    n = len(series[0]) if series else 0
    out = {"items": n}
    keys = ("ao", "kappa", "pi", "multi_kappa", "alpha")
    if n == 0:
        return {**out, **{k: None for k in keys}}
    data = [(f"c{c}", i, lab) for c, labs in enumerate(series) for i, lab in enumerate(labs)]
    t = AnnotationTask(data=data)
    out["ao"] = t.avg_Ao()
    if len(t.K) < 2:
        # Undefined (0/0); NLTK 3.10 says 1.0 here, Entitle null.
        return {**out, **{k: None for k in keys[1:]}}
    out.update(kappa=t.kappa(), pi=t.pi(), multi_kappa=t.multi_kappa(), alpha=float(t.alpha()))
    if len(series) == 2:
        from sklearn.metrics import cohen_kappa_score
        sk = float(cohen_kappa_score(series[0], series[1]))
        if abs(sk - out["kappa"]) > 1e-9:
            raise SystemExit(f"sklearn {sk} and nltk {out['kappa']} disagree")
        out["sklearn_cohen_kappa"] = sk
    return out


def token_figures(series, labels):
    """With/without O, overall and per label, for one mode's tags."""
    keep = [i for i in range(len(series[0])) if any(s[i] != "O" for s in series)]
    sub = [[s[i] for i in keep] for s in series]
    res = {"tokens": len(series[0]), "tokens_without_o": len(keep),
           "overall": {"with_o": nltk_figures(series), "without_o": nltk_figures(sub)},
           "per_label": {}}
    for lab in labels:
        one = lambda ss: [[lab if strip(x) == lab else "-" for x in s] for s in ss]
        res["per_label"][lab] = {"with_o": nltk_figures(one(series)),
                                 "without_o": nltk_figures(one(sub))}
    return res


def prf(p_hit, p_all, r_hit, r_all):
    if p_all + r_all == 0:
        return None
    p = p_hit / p_all if p_all else 0.0
    r = r_hit / r_all if r_all else 0.0
    return 2 * p * r / (p + r) if p + r > 0 else 0.0


def mean(xs):
    xs = [x for x in xs if x is not None]
    return sum(xs) / len(xs) if xs else None


def rel_key(r, symmetric):
    t, f, g = r
    f, g = f[:3], g[:3]
    if t in symmetric and g < f:
        f, g = g, f
    return (t, f, g)


def main():
    binary, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    for name, fixture in (("two", TWO), ("three", THREE)):
        root = os.path.join(out_dir, name)
        if os.path.exists(root):
            raise SystemExit(f"{root} exists; remove it first")
        layers = write_project(root, name, fixture)
        annotators = fixture["annotators"]
        compared = [d for d in sorted(fixture["docs"]) if all(d in layers.get(a, {}) for a in annotators)]
        exports = {}
        with tempfile.TemporaryDirectory() as tmp:
            for a in annotators:
                out = os.path.join(tmp, a + ".conll")
                subprocess.run([binary, "export", root, "--format", "conll", "--scheme", "iob2",
                                "--annotator", a, "--output", out], check=True,
                               stdout=subprocess.DEVNULL)
                docs = read_conll_docs(out)
                names = sorted(fixture["docs"])
                if len(docs) != len(names):
                    raise SystemExit(f"{a}: {len(docs)} documents exported, expected {len(names)}")
                exports[a] = dict(zip(names, docs))
        for d in compared:
            toks = {tuple(exports[a][d][0]) for a in annotators}
            if len(toks) != 1:
                raise SystemExit(f"{name}/{d}: annotators' exports have different tokens")
        labels = sorted({s[2] for a in annotators for d in compared for s in layers[a][d][0]})
        expected = {"annotators": annotators, "documents": ["docs/" + d for d in compared],
                    "labels": labels}
        for mode in ("iob2", "type"):
            conv = (lambda x: x) if mode == "iob2" else strip
            series = [[conv(t) for d in compared for t in exports[a][d][1]] for a in annotators]
            m = token_figures(series, labels)
            m["per_document"] = {}
            for d in compared:
                s = [[conv(t) for t in exports[a][d][1]] for a in annotators]
                f = token_figures(s, [])
                m["per_document"]["docs/" + d] = {"tokens": f["tokens"], **f["overall"]}
            expected[mode] = m
        # Spans and relations: pairs over the project's spans (each keyed by document).
        pairs = [(i, j) for i in range(len(annotators)) for j in range(i + 1, len(annotators))]
        spans = {a: [(d,) + s for d in compared for s in layers[a][d][0]] for a in annotators}

        def project_counts(A, B, label=None):
            # Per document, then summed: spans of different documents never match.
            tot = {"a": 0, "b": 0, "exact": 0, "a_ov": 0, "b_ov": 0}
            for d in compared:
                a = [s[1:] for s in A if s[0] == d and (label is None or s[3] == label)]
                b = [s[1:] for s in B if s[0] == d and (label is None or s[3] == label)]
                ka = [(s[0], s[1], s[2], s[3]) for s in a]
                kb = [(s[0], s[1], s[2], s[3]) for s in b]
                tot["a"] += len(ka)
                tot["b"] += len(kb)
                tot["exact"] += len(set(ka) & set(kb))
                ov = lambda x, ys: any(y[2] == x[2] and y[0] < x[1] and x[0] < y[1] for y in ys)
                tot["a_ov"] += sum(1 for x in ka if ov(x, kb))
                tot["b_ov"] += sum(1 for x in kb if ov(x, ka))
            return tot

        def f1s(t):
            return (prf(t["exact"], t["b"], t["exact"], t["a"]),
                    prf(t["b_ov"], t["b"], t["a_ov"], t["a"]))

        sp = {"overall": {}, "per_label": {}, "pairs": []}
        for label in [None] + labels:
            ex, ovl = [], []
            for (i, j) in pairs:
                t = project_counts(spans[annotators[i]], spans[annotators[j]], label)
                e, o = f1s(t)
                ex.append(e)
                ovl.append(o)
                if label is None:
                    sp["pairs"].append({"a": annotators[i], "b": annotators[j], "counts": t,
                                        "exact_f1": e, "overlap_f1": o})
            entry = {"exact_f1": mean(ex), "overlap_f1": mean(ovl)}
            if label is None:
                sp["overall"] = entry
            else:
                sp["per_label"][label] = entry
        expected["spans"] = sp
        symmetric = {"Spouse"}
        rel_f1 = []
        for (i, j) in pairs:
            ra = sorted((d, rel_key(r, symmetric)) for d in compared for r in layers[annotators[i]][d][1])
            rb = sorted((d, rel_key(r, symmetric)) for d in compared for r in layers[annotators[j]][d][1])
            matched = sum(min(ra.count(k), rb.count(k)) for k in set(ra))
            rel_f1.append(prf(matched, len(rb), matched, len(ra)))
        expected["relations"] = {"f1": mean(rel_f1)}
        with open(os.path.join(out_dir, name + ".expected.json"), "w", encoding="utf-8") as f:
            json.dump(expected, f, indent=1, ensure_ascii=False, sort_keys=True)
            f.write("\n")
        print(f"{name}: {len(compared)} documents compared, labels {labels}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
