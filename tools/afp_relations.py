#!/usr/bin/env python3
"""The AFP article (shared/corpus/afp-syria-2020.txt) with entities and relations, as a
brat collection, for the README's picture of relation arcs (tools/screenshots.sh).

Usage: tools/afp_relations.py ARTICLE OUT_DIR
Writes OUT_DIR/afp-syria-2020.txt and .ann (brat: offsets in code points, as Python
strings count them). Import it into a project with the sample's entitle.toml, whose
relation types (Head_of, Member_of, Located_in, Spouse) these use.
"""
import pathlib
import sys

SPANS = [
    ("Syrian", 0, "NORP"),
    ("Islamic State", 0, "ORG"),
    ("Saturday", 0, "DATE"),
    ("Homs", 0, "GPE"),
    ("Syrian Observatory for Human Rights", 0, "ORG"),
    ("Al-Sukhna", 0, "GPE"),
    ("Rami Abdel Rahman", 0, "PER"),
    ("Syria", 2, "GPE"),
    ("Badia desert", 0, "LOC"),
    ("Iraq", 0, "GPE"),
    ("Tauqir Sharif", 0, "PER"),
    ("Hayat Tahrir al-Sham", 0, "ORG"),
    ("Idlib", 0, "GPE"),
    ("Racquell Hayden Best", 0, "PER"),
    ("Atme", 0, "GPE"),
    ("Chingford", 0, "GPE"),
    ("London", 0, "GPE"),
    ("Live Updates From Syria", 0, "ORG"),
]

RELATIONS = [
    (("Rami Abdel Rahman", 0), ("Syrian Observatory for Human Rights", 0), "Head_of"),
    (("Al-Sukhna", 0), ("Homs", 0), "Located_in"),
    (("Badia desert", 0), ("Syria", 2), "Located_in"),
    (("Tauqir Sharif", 0), ("Racquell Hayden Best", 0), "Spouse"),
    (("Tauqir Sharif", 0), ("Live Updates From Syria", 0), "Head_of"),
    (("Chingford", 0), ("London", 0), "Located_in"),
    (("Atme", 0), ("Idlib", 0), "Located_in"),
]


def find(text, needle, nth):
    at = -1
    for _ in range(nth + 1):
        at = text.find(needle, at + 1)
        if at < 0:
            sys.exit(f"{needle!r} ({nth}) is not in the article")
    return at


def main():
    article, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    text = article.read_text(encoding="utf-8")
    out.mkdir(parents=True, exist_ok=True)
    (out / article.name).write_text(text, encoding="utf-8")
    lines, tid = [], {}
    for i, (needle, nth, label) in enumerate(SPANS, 1):
        start = find(text, needle, nth)
        tid[(needle, nth)] = i
        lines.append(f"T{i}\t{label} {start} {start + len(needle)}\t{needle}")
    for i, (a, b, label) in enumerate(RELATIONS, 1):
        lines.append(f"R{i}\t{label} Arg1:T{tid[a]} Arg2:T{tid[b]}")
    (out / (article.stem + ".ann")).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {out}: {len(SPANS)} entities, {len(RELATIONS)} relations")


if __name__ == "__main__":
    main()
