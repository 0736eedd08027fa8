#!/usr/bin/env bash
# Re-derive everything in testdata/real/ from the committed inputs.
#   bash testdata/real/tools/run_all.sh [PYTHON] [ENTITLE]
# PYTHON: a venv with /work/shared/validators/requirements.txt installed (default /tmp/entitle-validators/bin/python)
# ENTITLE: the entitle binary (default $CARGO_TARGET_DIR/debug/entitle, else target/debug/entitle; build with `cargo build`)
set -euo pipefail
cd "$(dirname "$0")/../../.."
PY=${1:-/tmp/entitle-validators/bin/python}
ENTITLE=${2:-${CARGO_TARGET_DIR:-target}/debug/entitle}
"$PY" testdata/real/tools/make_docbins.py
"$PY" testdata/real/tools/expected.py
python3 testdata/real/tools/entitle_today.py "$ENTITLE"
