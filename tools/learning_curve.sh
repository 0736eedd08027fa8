#!/usr/bin/env bash
# The learning curve of issue 9 (BENCHMARKS.md, "Suggestions: learning curve"):
#   (a) Entitle's tagger on WikiGold, 3 shuffles × 50/200/1,000/all training entities,
#       scored on held-out documents (examples/learning_curve.rs; also writes the splits);
#   (b) spaCy 3.8 trained on the same splits (tools/spacy_curve.py), scored the same way;
#   (c) the plot, docs/learning-curve.png (tools/plot_learning_curve.py).
# Usage: tools/learning_curve.sh [CORPUS_DIR]
# env: PYTHON (a Python with spaCy 3.8 and matplotlib; default /tmp/entitle-validators/bin/python),
#      SPACY_STEPS (spaCy's max_steps per run, default 1000), OUT (default target/learning-curve).
# One core: both sides run single-threaded so their training times compare.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-/tmp/entitle-validators/bin/python}
STEPS=${SPACY_STEPS:-1000}
OUT=${OUT:-target/learning-curve}
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 RAYON_NUM_THREADS=1
corpus=("$@")
cargo run --release --no-default-features --example learning_curve -- "${corpus[@]}" --out "$OUT" \
  | tee "$OUT.md"
"$PYTHON" tools/spacy_curve.py "$OUT" "$STEPS" | tee "$OUT-spacy.log"
"$PYTHON" tools/plot_learning_curve.py "$OUT" docs/learning-curve.png
