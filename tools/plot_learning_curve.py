"""Plot the learning curves (F1 on held-out documents against training entities, log
x) from DIR/learning-curve.csv (Entitle) and DIR/spacy-curve.csv (spaCy) to
docs/learning-curve.png. Means over the shuffles; bars are the spread (min to max).
DIR is WikiGold's (or UNER's alone, if its name ends in -uner); with UNER_DIR (the
example's `--corpus uner` output) UNER English-EWT is drawn in a second panel beside it.

    python tools/plot_learning_curve.py DIR [OUT.png] [UNER_DIR]
"""
import csv
import os
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def curve(rows, key):
    by_size = defaultdict(list)
    for r in rows:
        by_size[r["size"]].append(r)
    points = []
    for size, rs in by_size.items():
        n = sum(float(r["entities"]) for r in rs) / len(rs)
        f1 = [float(r[key]) for r in rs]
        points.append((n, sum(f1) / len(f1), min(f1), max(f1)))
    return sorted(points)


def series_of(d):
    with open(os.path.join(d, "learning-curve.csv"), encoding="utf-8") as f:
        ours = list(csv.DictReader(f))
    series = [
        ("Entitle tagger", curve([r for r in ours if r["engine"] == "tagger"], "f1"), "C0", "o-"),
        ("Entitle, all engines", curve([r for r in ours if r["engine"] == "all engines"], "f1"), "C2", "s-"),
    ]
    spacy_csv = os.path.join(d, "spacy-curve.csv")
    if os.path.exists(spacy_csv):
        with open(spacy_csv, encoding="utf-8") as f:
            series.append(("spaCy 3.8 (blank en, ner, efficiency)", curve(list(csv.DictReader(f)), "f1"), "C3", "^-"))
    return series


def corpus_of(d):
    # The example's default folders: target/learning-curve-uner for UNER.
    return "UNER English-EWT" if os.path.basename(os.path.normpath(d)).endswith("-uner") else "WikiGold"


def draw(ax, series, corpus):
    for name, pts, colour, style in series:
        xs = [p[0] for p in pts]
        ys = [p[1] for p in pts]
        err = [[p[1] - p[2] for p in pts], [p[3] - p[1] for p in pts]]
        ax.errorbar(xs, ys, yerr=err, fmt=style, color=colour, label=name, capsize=3)
    ax.set_xscale("log")
    ax.set_xlabel(f"training entities ({corpus}, log scale)")
    ax.set_ylabel("F1 on held-out documents (exact spans)")
    ax.set_ylim(0, 1)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="lower right", fontsize="small")
    ax.set_title(f"{corpus}: 30 % of documents held out, 3 shuffles", fontsize="medium")


def main():
    d = sys.argv[1]
    out = sys.argv[2] if len(sys.argv) > 2 else "docs/learning-curve.png"
    panels = [(series_of(p), corpus_of(p)) for p in [d] + sys.argv[3:4]]
    fig, axes = plt.subplots(1, len(panels), figsize=(7 * len(panels), 4.5), dpi=120, squeeze=False)
    for ax, (series, corpus) in zip(axes[0], panels):
        draw(ax, series, corpus)
    fig.tight_layout()
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    fig.savefig(out)
    print(f"wrote {out}")

if __name__ == "__main__":
    main()
