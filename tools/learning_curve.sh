#!/usr/bin/env bash
# The learning curve of issue 9 (BENCHMARKS.md, "Suggestions: learning curve"):
#   (a) Entitle's tagger on WikiGold or UNER English-EWT, 3 shuffles × 50/200/1,000/all
#       training entities, scored on held-out documents (examples/learning_curve.rs; also
#       writes the splits);
#   (b) spaCy 3.8 trained on the same splits (tools/spacy_curve.py), scored the same way;
#   (c) the plot, docs/learning-curve.png (tools/plot_learning_curve.py): both corpora,
#       side by side, when both have been run.
# Usage: tools/learning_curve.sh [CORPUS_DIR]
# env: CORPUS (wikigold, the default, or uner),
#      PYTHON (a Python with spaCy 3.8 and matplotlib; default /tmp/entitle-validators/bin/python),
#      SPACY_STEPS (spaCy's max_steps per run, default 1000),
#      OUT (default target/learning-curve for WikiGold, target/learning-curve-uner for UNER).
# One core: both sides run single-threaded so their training times compare.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-/tmp/entitle-validators/bin/python}
STEPS=${SPACY_STEPS:-1000}
CORPUS=${CORPUS:-wikigold}
if [ "$CORPUS" = wikigold ]; then
  OUT=${OUT:-target/learning-curve}
else
  OUT=${OUT:-target/learning-curve-$CORPUS}
fi
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 RAYON_NUM_THREADS=1
corpus=("$@")
cargo run --release --no-default-features --example learning_curve -- "${corpus[@]}" \
  --corpus "$CORPUS" --out "$OUT" | tee "$OUT.md"
"$PYTHON" tools/spacy_curve.py "$OUT" "$STEPS" | tee "$OUT-spacy.log"
# The plot shows WikiGold, and UNER beside it once its folder exists.
uner=()
[ -f target/learning-curve-uner/learning-curve.csv ] && uner=(target/learning-curve-uner)
"$PYTHON" tools/plot_learning_curve.py target/learning-curve docs/learning-curve.png "${uner[@]}"
