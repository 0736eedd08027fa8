#!/usr/bin/env bash
# The Windows pass, under Wine (issue 11): entitle.exe, cross-built with mingw-w64, runs
# the CLI on the format fixtures and the sample project, and every output is compared
# byte for byte with what the Linux binary writes for the same input (paths given as
# Z:\… and with forward slashes). Then the cases where Windows differs: reserved device
# names, names differing only in case, trailing dots and spaces, paths over 260
# characters, a file held open by another process while Entitle replaces it, the
# project lock held by another process — each with nothing written outside the project
# and a clear message. Last, the app itself in an X window (.ci/smoke.sh through Wine),
# with a screenshot kept in target/ci-artifacts/.
#
#   .ci/windows.sh ENTITLE_EXE LINUX_ENTITLE
#
# Needs: wine64 (Debian 12: Wine 8), gcc-mingw-w64-x86-64, xvfb, xdotool, imagemagick.
# Debian 12's Wine 8 lacks ProcessPrng, which Rust's standard library imports; a
# test-only shim (tools/windows/bcryptprimitives.c) is put beside the .exe here, never
# shipped.
set -euo pipefail
cd "$(dirname "$0")/.."
EXE=$(realpath "$1")
LIN=$(realpath "$2")
WINE=${WINE:-$(command -v wine64 || echo /usr/lib/wine/wine64)}
work=$(mktemp -d /tmp/entitle-windows.XXXXXX)
export WINEPREFIX="$work/prefix" WINEDEBUG=-all
export WINEDLLOVERRIDES="bcryptprimitives=n,b;mscoree,mshtml="
mkdir -p "$work/bin"
cp "$EXE" "$work/bin/entitle.exe"
x86_64-w64-mingw32-gcc -O2 -shared -o "$work/bin/bcryptprimitives.dll" \
  tools/windows/bcryptprimitives.c -ladvapi32
x86_64-w64-mingw32-gcc -O2 -o "$work/bin/holdfile.exe" tools/windows/holdfile.c
"$WINE" wineboot -i >/dev/null 2>&1 || true

fails=0
ok() { echo "  ok   $*"; }
bad() { echo "  FAIL $*"; fails=$((fails + 1)); }
# A Unix path as Windows sees it through Wine's Z: drive, with backslashes.
zb() { printf 'Z:%s' "$(printf %s "$1" | tr / '\\')"; }
# The same with forward slashes (Windows accepts both).
zf() { printf 'Z:%s' "$1"; }
# One annotator name for both: the default is the login name, which differs.
win() { "$WINE" "$work/bin/entitle.exe" --annotator ci "$@"; }
lin() { "$LIN" --annotator ci "$@"; }
# Paths in messages, Windows style, made Unix style (for comparing messages).
unix_paths() { sed -e 's#Z:\\#/#g' -e 's#Z:/#/#g' -e 's#\\#/#g'; }
# Annotation files hold creation times: equal files up to those.
no_times() { sed -E 's/"(created|modified)":"[^"]*"/"\1":"T"/g'; }

same_tree() { # same_tree WHAT LINUX_DIR WINDOWS_DIR
  local a=$2 b=$3
  if diff -r <(cd "$a" && find . -type f | sort) <(cd "$b" && find . -type f | sort) >/dev/null; then
    local differ=""
    while IFS= read -r f; do
      if ! cmp -s <(no_times <"$a/$f") <(no_times <"$b/$f"); then differ="$differ $f"; fi
    done < <(cd "$a" && find . -type f | sort)
    if [ -z "$differ" ]; then ok "$1"; else bad "$1: files differ:$differ"; fi
  else
    bad "$1: different files"
    diff <(cd "$a" && find . -type f | sort) <(cd "$b" && find . -type f | sort) | head -10
  fi
}

# --- 0. The library's unit tests, as a Windows program -----------------------------------
if [ -n "${WINDOWS_UNIT_TESTS:-}" ]; then
  echo "== unit tests (${WINDOWS_UNIT_TESTS##*/}) under Wine"
  cp "$WINDOWS_UNIT_TESTS" "$work/bin/unit-tests.exe"
  set +e
  (cd "$work" && "$WINE" "$work/bin/unit-tests.exe" >"$work/unit.log" 2>&1)
  code=$?
  set -e
  summary=$(grep -E '^test result' "$work/unit.log" | tail -1)
  if [ "$code" = 0 ]; then ok "$summary"; else bad "unit tests: $summary"; grep -E 'FAILED|panicked' "$work/unit.log" | head -20; fi
fi

# --- 1. The same outputs as on Linux -------------------------------------------------
echo "== byte-for-byte against the Linux binary"
L="$work/linux"
W="$work/windows"
mkdir -p "$L" "$W"
inputs=(
  "brat testdata/real/brat/news-110-note_annotation"
  "conll testdata/real/conll/nerpy-en_iob1.txt"
  "spacy testdata/real/spacy/brat-news-100-spangroups.spacy"
  "spacy-jsonl testdata/real/spacy-jsonl/explosion-ner_demo-train.json"
  "doccano testdata/real/doccano/doccano-transformer-labeling_multi_users.jsonl"
  "label-studio testdata/real/label-studio/nerine-nor-er-export-5-tasks-predictions.json"
  "prodigy testdata/real/prodigy/decide-madrid-rel-manual-intra_oscar.jsonl"
  "webanno-tsv testdata/real/webanno-tsv/inception-tsv3-example2.tsv"
  "txt testdata/unicode-mixed.txt"
)
# Entitle JSONL with every Unicode case (curly quotes, emoji, combining marks, Arabic,
# CRLF) comes from the Linux binary, for both.
lin convert testdata/real/brat/news-110-note_annotation --from brat --to jsonl \
  --output "$work/news.jsonl" 2>/dev/null
inputs+=("jsonl $work/news.jsonl")
outputs=(jsonl spacy-jsonl spacy doccano label-studio prodigy conll brat webanno-tsv txt csv)
n=0
for entry in "${inputs[@]}"; do
  from=${entry%% *}
  input=$(realpath "${entry#* }")
  for to in "${outputs[@]}"; do
    n=$((n + 1))
    name="$from-to-$to"
    case $to in brat | txt | webanno-tsv) out="$name/" ;; *) out="$name.out" ;; esac
    set +e
    (cd "$L" && lin convert "$input" --from "$from" --to "$to" --output "$out" 2>"$name.err")
    lc=$?
    # Inputs with backslashes, outputs with forward slashes, alternately the other way.
    if [ $((n % 2)) -eq 0 ]; then
      (cd "$W" && win convert "$(zb "$input")" --from "$from" --to "$to" --output "$(zf "$W/$out")" 2>"$name.err")
    else
      (cd "$W" && win convert "$(zf "$input")" --from "$from" --to "$to" --output "$(zb "$W/$out")" 2>"$name.err")
    fi
    wc=$?
    set -e
    if [ "$lc" != "$wc" ]; then bad "$name: exit $wc on Windows, $lc on Linux"; continue; fi
    lsum=$(tail -1 "$L/$name.err" | unix_paths | sed "s#$L/##g")
    wsum=$(tail -1 "$W/$name.err" | unix_paths | sed "s#$W/##g")
    [ "$lsum" = "$wsum" ] || bad "$name: summary differs: '$lsum' vs '$wsum'"
    if [ -e "$L/$out" ] || [ -e "$W/$out" ]; then
      if [ -d "$L/$out" ]; then
        diff -r "$L/$out" "$W/$out" >/dev/null || bad "$name: folder output differs"
      else
        cmp -s "$L/$out" "$W/$out" || bad "$name: output differs"
      fi
    fi
  done
done
echo "  $n conversions compared"

echo "== a project: import, export in every format, stats, check"
for side in L W; do
  dir=${!side}
  mkdir -p "$dir/proj"
  cp -r assets/sample/. "$dir/proj/"
done
lin import "$L/proj" "$work/news.jsonl" testdata/real/label-studio/nerine-nor-er-export-5-tasks-predictions.json \
  --format jsonl --annotator ci 2>/dev/null || true
win import "$(zb "$W/proj")" "$(zf "$work/news.jsonl")" "$(zb "$(realpath testdata/real/label-studio/nerine-nor-er-export-5-tasks-predictions.json)")" \
  --format jsonl --annotator ci 2>/dev/null || true
lin import "$L/proj" testdata/real/label-studio/nerine-nor-er-export-5-tasks-predictions.json \
  --format label-studio --annotator ci 2>/dev/null
win import "$(zf "$W/proj")" "$(zb "$(realpath testdata/real/label-studio/nerine-nor-er-export-5-tasks-predictions.json)")" \
  --format label-studio --annotator ci 2>/dev/null
same_tree "import: the project's files" "$L/proj" "$W/proj"
for to in "${outputs[@]}"; do
  case $to in brat | txt | webanno-tsv) out="exp-$to/" ;; *) out="exp-$to.out" ;; esac
  (cd "$L" && lin export proj --format "$to" --output "$out" --annotator ci 2>/dev/null) || true
  (cd "$W" && win export "$(zb "$W/proj")" --format "$to" --output "$(zf "$W/$out")" --annotator ci 2>/dev/null) || true
  if [ -d "$L/$out" ]; then
    diff -r "$L/$out" "$W/$out" >/dev/null && ok "export $to" || bad "export $to: differs"
  else
    cmp -s "$L/$out" "$W/$out" && ok "export $to" || bad "export $to: differs"
  fi
done
lin stats "$L/proj" --json 2>/dev/null | sed "s#$L/##g" >"$L/stats.json"
win stats "$(zb "$W/proj")" --json 2>/dev/null | unix_paths | sed "s#$W/##g" >"$W/stats.json"
cmp -s "$L/stats.json" "$W/stats.json" && ok "stats --json" || bad "stats --json differs"
set +e
lin check "$L/proj" >/dev/null 2>&1; lc=$?
win check "$(zf "$W/proj")" >/dev/null 2>&1; wc=$?
set -e
[ "$lc" = "$wc" ] && ok "check: exit $wc on both" || bad "check: exit $wc on Windows, $lc on Linux"

# --- 2. Where Windows differs ----------------------------------------------------------
echo "== names Windows treats differently"
H="$work/hostile"
mkdir -p "$H/outside"
before=$(cd "$H" && find . | sort)
long=$(printf 'x%.0s' $(seq 1 150))
{
  for id in CON nul.txt "com1" "Report" "report" "trailing." "trailing " "$long" \
    "a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/deep" "../../outside/escape" "C:\\\\Windows\\\\evil"; do
    printf '{"id": "%s", "text": "Amal Haddad met %s.", "spans": [{"start": 0, "end": 11, "label": "PER"}]}\n' "$id" "${id//\\/}"
  done
} >"$work/hostile.jsonl"
set +e
win import "$(zb "$H/proj")" "$(zb "$work/hostile.jsonl")" --format jsonl --annotator ci 2>"$work/hostile.err"
code=$?
set -e
[ "$code" = 0 ] && ok "hostile ids import (exit 0)" || { bad "hostile ids import: exit $code"; cat "$work/hostile.err"; }
[ "$(cd "$H" && find . -not -path './proj*' | sort)" = "$(printf '%s\n' "$before" | grep -v '^./proj' )" ] \
  && ok "nothing written outside the project" || bad "something was written outside the project"
docs=$(cd "$H/proj" && find docs -name '*.txt' | sort)
if printf '%s\n' "$docs" | grep -qiE '/(con|nul|com1)(\.|$)'; then bad "a reserved device name became a file: $docs"; else ok "no reserved device name became a file"; fi
if [ "$(printf '%s\n' "$docs" | grep -ci '/report')" = 2 ]; then ok "Report and report are two documents"; else bad "Report/report: $docs"; fi
if printf '%s\n' "$docs" | grep -qE '[. ]\.txt$'; then bad "a name ends with a dot or space: $docs"; else ok "no name ends with a dot or a space"; fi
count=$(printf '%s\n' "$docs" | grep -c .)
[ "$count" = 11 ] && ok "every hostile record became a document ($count)" || bad "$count documents from 11 records: $docs"
# The same records on Linux give the same documents.
lin import "$work/hostile-linux" "$work/hostile.jsonl" --format jsonl --annotator ci 2>/dev/null
[ "$docs" = "$(cd "$work/hostile-linux" && find docs -name '*.txt' | sort)" ] \
  && ok "the same document names as on Linux" || bad "document names differ from Linux"

echo "== paths over 260 characters"
deep="$work/$(printf 'folder-with-a-long-name-%02d/' $(seq 1 9))project"
mkdir -p "$deep"
set +e
win import "$(zb "$deep")" "$(zb "$work/news.jsonl")" --format jsonl --annotator ci 2>"$work/long.err"
code=$?
set -e
ann=$(find "$deep/annotations" -name '*.json' | head -1)
if [ "$code" = 0 ] && [ -n "$ann" ] && [ ${#ann} -gt 260 ]; then
  ok "import into a project whose files have ${#ann}-character paths"
else
  bad "long paths: exit $code, ${#ann} characters"; cat "$work/long.err"
fi
win stats "$(zb "$deep")" >/dev/null 2>&1 && ok "stats on it" || bad "stats on the long-path project"

echo "== a file held open by another program while Entitle replaces it"
P="$work/held"
win import "$(zb "$P")" "$(zb "$work/news.jsonl")" --format jsonl --annotator ci 2>/dev/null
target=$(find "$P/annotations/ci" -name '*.json' | head -1)
# Two more imports of the same document, each adding one span, so the file is replaced.
for k in 1 2; do
  python3 - "$work/news.jsonl" "$work/more$k.jsonl" "$k" <<'EOF'
import json, sys
rec = json.loads(open(sys.argv[1], encoding="utf-8").readline())
k = int(sys.argv[3])
rec["spans"] = [{"start": k, "end": k + 1, "label": "X"}]
rec["relations"] = []
open(sys.argv[2], "w", encoding="utf-8").write(json.dumps(rec, ensure_ascii=False) + "\n")
EOF
done
hold() { # hold FILE SECONDS [lock]: in the background, until it says it holds the file
  "$WINE" "$work/bin/holdfile.exe" "$(zb "$1")" "$2" ${3:-} >"$work/hold.out" 2>&1 &
  holder=$!
  for _ in $(seq 1 100); do grep -q held "$work/hold.out" 2>/dev/null && break; sleep 0.1; done
}
# Held for a moment (as a virus scanner would): the replace waits and succeeds.
hold "$target" 1
set +e
win import "$(zb "$P")" "$(zb "$work/more1.jsonl")" --format jsonl --annotator ci 2>"$work/held1.err"
code=$?
set -e
wait "$holder" || true
if [ "$code" = 0 ] && grep -q '"start":1,"end":2,"label":"X"' "$target"; then
  ok "the replace waited for a briefly held file"
else
  bad "briefly held file: exit $code"; cat "$work/held1.err"
fi
# Held for long: the replace gives up with a clear message and the file is intact.
hold "$target" 8
before=$(md5sum <"$target")
set +e
win import "$(zb "$P")" "$(zb "$work/more2.jsonl")" --format jsonl --annotator ci 2>"$work/held2.err"
code=$?
set -e
wait "$holder" || true
after=$(md5sum <"$target")
if [ "$code" = 2 ] && grep -q "open in another program" "$work/held2.err" && [ "$before" = "$after" ]; then
  ok "a file held for long: exit 2, a clear message, the file intact"
else
  bad "file held for long: exit $code, file unchanged: $([ "$before" = "$after" ] && echo yes || echo no)"; cat "$work/held2.err"
fi

echo "== the project lock held by another process"
hold "$P/.entitle.lock" 15 lock  # long enough for a slow Wine start on a loaded machine
set +e
win import "$(zb "$P")" "$(zb "$work/news.jsonl")" --format jsonl --annotator ci 2>"$work/lock.err"
code=$?
win stats "$(zb "$P")" >/dev/null 2>&1
scode=$?
set -e
wait "$holder" || true
if [ "$code" = 2 ] && grep -q "another Entitle" "$work/lock.err"; then ok "import refused while the lock is held"; else bad "lock held: exit $code"; cat "$work/lock.err"; fi
# (exit 1: it reports the import the held file stopped above; 2 would be a refusal)
[ "$scode" != 2 ] && ok "stats reads while the lock is held (exit $scode)" || bad "stats with the lock held: exit $scode"

# --- 3. The app in a window -------------------------------------------------------------
echo "== the app under Wine in an X window"
mkdir -p target/ci-artifacts
if SMOKE_LAUNCHER="$WINE" .ci/smoke.sh "$work/bin/entitle.exe" target/ci-artifacts/windows-app.png; then
  ok "drag, label key, kill, restart: the span survived (screenshot target/ci-artifacts/windows-app.png)"
else
  bad "the app under Wine"
fi

echo
if [ "$fails" -gt 0 ]; then
  echo "Windows pass: $fails failures (work folder kept: $work)"
  exit 1
fi
rm -rf "$work"
echo "Windows pass: all checks passed"
