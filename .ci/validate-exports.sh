#!/usr/bin/env bash
# Check Entitle's exports with the third-party validators (shared/validators: spaCy,
# seqeval, the strict brat reader, label-studio-converter). The exports are written by
# tests/interop.rs (`cargo test`) from the annotated sample project and the AFP article.
#   .ci/validate-exports.sh PYTHON VALIDATORS_DIR FIXTURES_DIR
set -uo pipefail
PY=$1
V=$2
F=$3
status=0
run() {
  local expect=$1; shift
  echo "--- $*"
  if out=$("$@" 2>&1); then code=0; else code=$?; fi
  echo "$out" | tail -n 25
  if [ "$code" != "$expect" ]; then
    echo "!!! exit $code, expected $expect"
    status=1
  fi
}
for project in sample afp; do
  o="$F/$project-out"
  [ -d "$o" ] || { echo "no exports in $o: run cargo test first"; exit 2; }
  run 0 "$PY" "$V/spacy_jsonl_check.py" "$o/spacy.jsonl"
  run 0 "$PY" "$V/spacy_jsonl_check.py" "$o/prodigy.jsonl"
  run 0 "$PY" "$V/docbin_dump.py" "$o/docs.spacy"
  run 0 "$PY" "$V/spacy_convert_check.py" "$o/iob2.conll"
  run 0 "$PY" "$V/spacy_convert_check.py" "$o/bilou.conll"
  run 0 "$PY" "$V/seqeval_check.py" validate "$o/iob1.conll" --scheme IOB1
  run 0 "$PY" "$V/seqeval_check.py" validate "$o/iob2.conll" --scheme IOB2
  run 0 "$PY" "$V/seqeval_check.py" validate "$o/iobes.conll" --scheme IOBES
  run 0 "$PY" "$V/seqeval_check.py" validate "$o/bilou.conll" --scheme BILOU
  for ann in "$o"/brat/*.ann; do
    run 0 "$PY" "$V/brat_check.py" "$ann"
  done
  run 0 "$PY" "$V/ls_convert_check.py" "$o/ls.json" "$o/ls.config.xml"
done
exit $status
