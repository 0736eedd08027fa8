#!/usr/bin/env bash
# Check Entitle's exports with the third-party validators (.ci/validators, copied from
# shared/validators: spaCy, seqeval, the strict brat reader, label-studio-converter).
# The exports are written by tests/interop.rs (`cargo test`) from the annotated sample
# project and the AFP article, with <project>-out/expected.json: the documents, spans,
# entities and relations each file must hold. Every validator gets those counts and
# fails when it finds another number, or nothing at all.
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
# The count tests/interop.rs recorded: count FILE KEY (e.g. count spacy.jsonl spans).
# A missing file or key prints why on stderr and nothing on stdout, so the validator
# given the empty count fails with a usage error.
count() {
  "$PY" - "$o/expected.json" "$1" "$2" <<'EOF'
import json, sys
manifest, name, key = sys.argv[1:]
try:
    print(json.load(open(manifest, encoding="utf-8"))["files"][name][key])
except (OSError, ValueError, KeyError) as e:
    sys.exit(f"{manifest}: no {key} for {name} ({type(e).__name__}: {e})")
EOF
}
for project in sample afp; do
  o="$F/$project-out"
  [ -d "$o" ] || { echo "no exports in $o: run cargo test first"; exit 2; }
  [ -f "$o/expected.json" ] || { echo "no $o/expected.json: run cargo test first"; exit 2; }
  run 0 "$PY" "$V/spacy_jsonl_check.py" "$o/spacy.jsonl" \
    --expect-docs "$(count spacy.jsonl documents)" --expect-spans "$(count spacy.jsonl spans)"
  # prodigy.jsonl is spans.manual data (overlaps allowed); prodigy-ner.jsonl must be
  # valid doc.ents.
  run 0 "$PY" "$V/spacy_jsonl_check.py" "$o/prodigy.jsonl" --allow-overlaps \
    --expect-docs "$(count prodigy.jsonl documents)" --expect-spans "$(count prodigy.jsonl spans)"
  run 0 "$PY" "$V/spacy_jsonl_check.py" "$o/prodigy-ner.jsonl" \
    --expect-docs "$(count prodigy-ner.jsonl documents)" --expect-spans "$(count prodigy-ner.jsonl spans)"
  run 0 "$PY" "$V/docbin_dump.py" "$o/docs.spacy" \
    --expect-docs "$(count docs.spacy documents)" --expect-spans "$(count docs.spacy spans)"
  for scheme in iob2 bilou; do
    run 0 "$PY" "$V/spacy_convert_check.py" "$o/$scheme.conll" \
      --expect-docs "$(count "$scheme.conll" documents)" --expect-spans "$(count "$scheme.conll" spans)"
  done
  for scheme in iob1 iob2 iobes bilou; do
    run 0 "$PY" "$V/seqeval_check.py" validate "$o/$scheme.conll" --scheme "${scheme^^}" \
      --expect-entities "$(count "$scheme.conll" entities)"
  done
  anns=0
  for ann in "$o"/brat/*.ann; do
    anns=$((anns + 1))
    rel="brat/$(basename "$ann")"
    run 0 "$PY" "$V/brat_check.py" "$ann" \
      --expect-spans "$(count "$rel" spans)" --expect-relations "$(count "$rel" relations)"
  done
  if [ "$anns" != "$(count brat documents)" ]; then
    echo "!!! $anns .ann files in $o/brat, expected $(count brat documents)"
    status=1
  fi
  run 0 "$PY" "$V/ls_convert_check.py" "$o/ls.json" "$o/ls.config.xml" \
    --expect-docs "$(count ls.json documents)" --expect-spans "$(count ls.json spans)" \
    --expect-relations "$(count ls.json relations)"
done
if [ "$status" = 0 ]; then echo "=== all exports valid, with the expected counts"; fi
exit $status
