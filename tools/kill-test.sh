#!/usr/bin/env bash
# Kill test (issue 6): SIGKILL at random moments of app editing and of imports, then
# check that no file is damaged, the project opens, and at most the last second of
# edits is missing.
#
#   tools/kill-test.sh [EDIT_TRIALS [IMPORT_TRIALS]]     (defaults 100 and 100)
#
# Environment (all optional):
#   KILLTEST_SEED=N       seed of every random choice (printed; rerun with it to repeat)
#   KILLTEST_DIR=DIR      where projects, logs and failed trials go (default: a new
#                         folder under ${TMPDIR:-/tmp}, removed when every trial passed)
#   KILLTEST_LIMIT_MS=N   edits older than this before the kill must be on disk (1000)
#   KILLTEST_RUN_MS=A-B   how long the editor runs before the kill (200-2000)
#   KILLTEST_DOCS=N       documents in the import corpus (1000, ~300 bytes each: four
#                         of the importer's durable batches of 256)
#   KILLTEST_SERIAL=1     run the two phases one after the other (default: side by side,
#                         each on its own project, so the editor also saves while an
#                         import floods the disk with writes and flushes)
#   CARGO_TARGET_DIR      as for cargo
#
# 1. Builds (debug) target/debug/entitle and the examples kill_editor and corpus, and
#    takes hard links to them, so a rebuild during the test changes nothing. Makes a
#    base project: the bundled sample (assets/sample) plus three generated ~30 KB
#    documents with ~550 spans each by annotator "analyst" (imported), and a corpus of
#    KILLTEST_DOCS short generated documents with spans (Entitle JSONL).
# 2. Editing: one copy of the base project is edited by `kill_editor edit` (the app's
#    Project::open + Session; random adds/relabels/removes/done/undo/redo across all
#    documents; autosave_tick once per 16 ms frame), killed with SIGKILL after a random
#    KILLTEST_RUN_MS, and reopened by the next trial, like an analyst whose machine
#    keeps crashing. After each kill:
#    - every .json parses, entitle.toml parses (kill_editor verify-files; leftover
#      `.entitle-*.tmp` files are counted and reported, not a failure, as `entitle
#      check` ignores them); `entitle check` exits 0; `entitle stats` exits 0;
#    - every document's annotation file holds a state the editor printed (never a torn
#      or mixed one; each span's text matches the document), every edit missing from
#      disk was made less than KILLTEST_LIMIT_MS before the kill, and the next trial's
#      editor opens exactly what this one left (kill_editor verify-edits).
# 3. Importing: each trial runs `entitle import COPY corpus.jsonl --format jsonl` into a
#    fresh copy of the base project and kills it (SIGKILL, from `timeout`) at a random
#    moment, uniform over the time an import takes (measured first, then following the
#    machine; a run that completes before its kill is tried again from a fresh copy,
#    so every trial has a kill). Then: every file parses;
#    whichever corpus documents are in are whole, with all their spans
#    (verify-import --partial); `entitle check` reports the interrupted import (exit 1,
#    exactly one problem, naming .entitle-import.jsonl) and nothing else, or exits 0
#    when no journal had been written yet; `entitle stats` works (exit 1 only for the
#    interrupted import). Every fourth trial also kills the second run at a random
#    moment and checks again. The last run goes to completion; whenever check had
#    reported N > 0 records in, it must say it resumed from those N. The project
#    must hold exactly the corpus's documents with exactly their spans, no duplicates,
#    no other document (verify-import), with `check` and `stats` clean.
# 4. Prints a summary (trials, failures, timings, observations). Exit 0 when every
#    trial passed; 1 when any failed (KILLTEST_DIR/failures.txt lists them; the
#    projects, right after the kill, and the logs are kept in KILLTEST_DIR/failed/);
#    2 when the test could not be set up.
set -uo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD

EDIT_TRIALS=${1:-100}
IMPORT_TRIALS=${2:-100}
SEED=${KILLTEST_SEED:-$(( $(date +%s) % 100000 ))}
LIMIT_MS=${KILLTEST_LIMIT_MS:-1000}
RUN_MS=${KILLTEST_RUN_MS:-200-2000}
RUN_MIN=${RUN_MS%-*}
RUN_MAX=${RUN_MS#*-}
CORPUS_DOCS=${KILLTEST_DOCS:-1000}
TARGET=${CARGO_TARGET_DIR:-$REPO/target}
WORK=${KILLTEST_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/entitle-killtest.XXXXXX")}
mkdir -p "$WORK" || exit 2
WORK=$(cd "$WORK" && pwd)
FAILED_LIST=$WORK/failures.txt
: >"$FAILED_LIST"

now_us() { echo "${EPOCHREALTIME/[.,]/}"; }
ms_since() { echo $(( ($(now_us) - $1) / 1000 )); }
# sleep_ms N: sleep N milliseconds.
sleep_ms() { sleep "$(printf '%d.%03d' $(( $1 / 1000 )) $(( $1 % 1000 )))"; }
# rand_between LO HI: a random number in [LO, HI] (HI - LO may exceed 32767).
rand_between() { echo $(( $1 + (RANDOM * 32768 + RANDOM) % ($2 - $1 + 1) )); }
# clip TEXT: TEXT on one line, at most 600 characters.
clip() {
  local t=${1//$'\n'/ | }
  if [ "${#t}" -gt 600 ]; then t="${t:0:600}… (${#t} characters)"; fi
  printf '%s' "$t"
}
# field NAME TEXT: the number after " NAME=" in TEXT (0 if none).
field() {
  local v
  v=$(sed -n "s/.*[ ]$1=\([0-9]*\).*/\1/p" <<<"$2" | head -1)
  echo "${v:-0}"
}
# fail TRIAL MESSAGE [PATH...]: record a failure; keep copies of PATHs.
fail() {
  local trial=$1 msg=$2 keep=$WORK/failed/$1
  shift 2
  printf '%s: %s\n' "$trial" "$msg" | tee -a "$FAILED_LIST" >&2
  mkdir -p "$keep"
  for d in "$@"; do
    if [ -e "$d" ]; then cp -a "$d" "$keep/" 2>/dev/null; fi
  done
}
die() { echo "kill-test: $*" >&2; exit 2; }

[ -n "${EPOCHREALTIME:-}" ] || die "needs bash 5 (EPOCHREALTIME)"
echo "kill-test: seed $SEED, work folder $WORK"
T0=$(now_us)

# ---------------------------------------------------------------------------------
# 1. build and set up

echo "kill-test: building entitle and the examples kill_editor, corpus (debug)"
BUILD=(build --bin entitle --example kill_editor --example corpus)
if [ -n "${CARGO_TARGET_DIR:-}" ]; then
  # A target folder outside the checkout may be shared with other checkouts of
  # Entitle, whose library has the same build hash: cargo can then take theirs for
  # ours (it judges by modification times). A profile setting of our own gives this
  # checkout's build its own hash.
  BUILD+=(--config 'profile.dev.package.entitle.debug="line-tables-only"')
fi
BIN=$WORK/bin
mkdir -p "$BIN"
built=""
for attempt in 1 2 3; do
  cargo "${BUILD[@]}" --quiet || die "build failed"
  for f in entitle examples/kill_editor examples/corpus; do
    ln -f "$TARGET/debug/$f" "$BIN/" 2>/dev/null || cp "$TARGET/debug/$f" "$BIN/" || die "cannot copy $f"
  done
  # Nothing left to build and the same files: what we took is this checkout's build.
  same=1
  if cargo "${BUILD[@]}" -v 2>&1 | grep -qE '(Compiling|Dirty) entitle '; then same=0; fi
  for f in entitle examples/kill_editor examples/corpus; do
    [ "$BIN/${f##*/}" -ef "$TARGET/debug/$f" ] || cmp -s "$BIN/${f##*/}" "$TARGET/debug/$f" || same=0
  done
  if [ "$same" = 1 ]; then built=1; break; fi
  echo "kill-test: the build changed while it was taken (attempt $attempt); again"
done
[ -n "$built" ] || die "could not get a stable build of this checkout"
ENTITLE=$BIN/entitle
KE=$BIN/kill_editor
CORPUS=$BIN/corpus
BUILD_MS=$(ms_since "$T0")

T_SETUP=$(now_us)
BASE=$WORK/base
rm -rf "$BASE" "$WORK/long" "$WORK/corpus" "$WORK/failed" "$WORK/edit" "$WORK/import"
cp -a assets/sample "$BASE" || die "cannot copy assets/sample"
"$CORPUS" "$WORK/long" 3 30000 >/dev/null || die "the corpus generator failed"
# Their own names, so they never meet the import corpus's doc00000…
sed -i 's/"id":"doc/"id":"long/' "$WORK/long/corpus.jsonl"
"$ENTITLE" import "$BASE" "$WORK/long/corpus.jsonl" --format jsonl --annotator analyst \
  2>"$WORK/long/import.err" || die "importing the long documents failed: $(cat "$WORK/long/import.err")"
"$CORPUS" "$WORK/corpus" "$CORPUS_DOCS" 300 >/dev/null || die "the corpus generator failed"
rm -rf "$WORK/corpus/brat"
CORPUS_JSONL=$WORK/corpus/corpus.jsonl
BASE_DOCS=$(find "$BASE" -name '*.txt' -not -path "$BASE/annotations/*" | wc -l)
SETUP_MS=$(ms_since "$T_SETUP")
echo "kill-test: base project $BASE_DOCS documents; corpus $CORPUS_DOCS documents, $(wc -c <"$CORPUS_JSONL") bytes"

# ---------------------------------------------------------------------------------
# 2. editing

edit_phase() {
  local t0 dir=$WORK/edit ep=$WORK/edit/project prev="" i name log err states run_ms pid
  local kill_us rc bad files out v summary lag args seed
  local fails=0 edits=0 lost=0 lost_docs=0 max_lag=0 temps=0
  t0=$(now_us)
  RANDOM=$SEED
  mkdir -p "$dir"
  cp -a "$BASE" "$ep"
  echo "edit: $EDIT_TRIALS trials (each runs ${RUN_MIN}-${RUN_MAX} ms, then kill -9)"
  for i in $(seq 1 "$EDIT_TRIALS"); do
    name=edit-$i log=$dir/$i.log err=$dir/$i.err states=$dir/$i.states
    seed=$((SEED * 1000 + i))
    run_ms=$(rand_between "$RUN_MIN" "$RUN_MAX")
    "$KE" edit "$ep" "$seed" >"$log" 2>"$err" &
    pid=$!
    sleep_ms "$run_ms"
    kill_us=$(now_us)
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    rc=$?
    bad=""
    if [ "$rc" != 137 ]; then
      bad+="the editor exited before the kill (exit $rc): $(clip "$(cat "$err")"); "
    else
      [ -s "$err" ] && bad+="editor stderr: $(clip "$(cat "$err")"); "
      if ! files=$("$KE" verify-files "$ep" 2>&1); then bad+="files: $(clip "$files"); "; fi
      temps=$(field temp_files "$files")
      if ! out=$("$ENTITLE" check "$ep" 2>&1); then bad+="entitle check: $(clip "$out"); "; fi
      if ! out=$("$ENTITLE" stats "$ep" 2>&1 >/dev/null); then bad+="entitle stats: $(clip "$out"); "; fi
      args=("$ep" "$log" "$kill_us" --limit-ms "$LIMIT_MS" --save "$states")
      [ -n "$prev" ] && args+=(--prev "$prev")
      if ! v=$("$KE" verify-edits "${args[@]}" 2>&1); then bad+="$(clip "$v"); "; fi
      summary=$(grep '^ok ' <<<"$v")
      edits=$((edits + $(field edits "$summary")))
      lost=$((lost + $(field lost_edits "$summary")))
      lost_docs=$((lost_docs + $(field lost_docs "$summary")))
      lag=$(field max_lag_ms "$summary")
      [ "$lag" -gt "$max_lag" ] && max_lag=$lag
    fi
    if [ -n "$bad" ]; then
      fail "$name" "seed $seed, killed after $run_ms ms: $bad" "$ep" "$log" "$err" "$prev"
      fails=$((fails + 1))
      # Go on from a clean project, so one failure does not cascade.
      rm -rf "$ep"
      cp -a "$BASE" "$ep"
      prev=""
    else
      [ -n "$prev" ] && rm -f "$prev"
      prev=$states
      rm -f "$log" "$err"
    fi
    if (( i % 10 == 0 )); then
      echo "edit: $i/$EDIT_TRIALS trials, $fails failed; $edits edits, $lost missing at a kill (oldest $max_lag ms before it)"
    fi
  done
  cat >"$dir/result" <<EOF
edit_fail=$fails edit_edits=$edits edit_lost=$lost edit_lost_docs=$lost_docs
edit_max_lag=$max_lag edit_temps=$temps edit_ms=$(ms_since "$t0")
EOF
}

# ---------------------------------------------------------------------------------
# 3. importing

# import_run PROJECT: the import every trial runs (the same source, so it resumes).
import_run() { "$ENTITLE" import "$1" "$CORPUS_JSONL" --format jsonl --annotator imp; }

# after_kill TRIAL PROJECT NOTES: the checks after a killed import. Sets AFTER_KILL_BAD
# (what is wrong, empty if nothing) and CHECK_N (how many records check says are in;
# empty when check reported no interrupted import).
after_kill() {
  local name=$1 p=$2 notes=$3 out rc
  AFTER_KILL_BAD="" CHECK_N=""
  if ! out=$("$KE" verify-files "$p" 2>&1); then AFTER_KILL_BAD+="files: $(clip "$out"); "; fi
  if ! out=$("$KE" verify-import "$p" "$CORPUS_JSONL" --annotator imp --base-docs "$BASE_DOCS" --partial 2>&1); then
    AFTER_KILL_BAD+="partial import: $(clip "$out"); "
  fi
  if grep -q '^note:' <<<"$out"; then echo "$name: $(clip "$out")" >>"$notes"; fi
  out=$("$ENTITLE" check "$p" 2>/dev/null)
  rc=$?
  if [ "$rc" = 1 ]; then
    if [ "$(grep -c . <<<"$out")" = 1 ] && grep -q '\.entitle-import\.jsonl: .*was interrupted' <<<"$out"; then
      CHECK_N=$(sed -n 's/.*the first \([0-9]*\) records are in.*/\1/p' <<<"$out")
      [ -n "$CHECK_N" ] || AFTER_KILL_BAD+="check does not say how many records are in: $(clip "$out"); "
    else
      AFTER_KILL_BAD+="check reported more than the interrupted import (exit 1, $(grep -c . <<<"$out") problems): $(clip "$out"); "
    fi
  elif [ "$rc" != 0 ]; then
    AFTER_KILL_BAD+="check exit $rc: $(clip "$out"); "
  elif [ -s "$p/.entitle-import.jsonl" ]; then
    echo "$name: check reported nothing, the journal holds: $(clip "$(cat "$p/.entitle-import.jsonl")")" >>"$notes"
  fi
  out=$("$ENTITLE" stats "$p" 2>&1 >/dev/null)
  rc=$?
  if [ "$rc" = 1 ]; then
    if grep '^problem:' <<<"$out" | grep -qv 'was interrupted'; then
      AFTER_KILL_BAD+="stats: $(clip "$out"); "
    fi
  elif [ "$rc" != 0 ]; then
    AFTER_KILL_BAD+="stats exit $rc: $(clip "$out"); "
  fi
}

# run_import PROJECT LOG AT_MS: import into PROJECT, killed (SIGKILL) after AT_MS ms if it
# is still running. Sets RUN_RC (137: killed) and RUN_MS (how long it ran).
run_import() {
  local t
  t=$(now_us)
  # In a subshell, so the shell's "Killed" notice goes to /dev/null.
  ( timeout -s KILL "$(printf '%d.%03d' $(( $3 / 1000 )) $(( $3 % 1000 )))" \
    "$ENTITLE" import "$1" "$CORPUS_JSONL" --format jsonl --annotator imp >"$2.out" 2>"$2.err"; exit $? ) 2>/dev/null
  RUN_RC=$?
  RUN_MS=$(ms_since "$t")
}

# resumed_ok N ERRFILE: what is wrong with how a run that completed after a kill
# reported resuming from the N records check said were in (nothing when N is 0).
resumed_ok() {
  local n=$1 err
  err=$(tr -d '\r' <"$2")
  if [ "$n" -gt 0 ]; then
    grep -q "resuming the interrupted import: the first $n records are already in" <<<"$err" ||
      printf '%s' "check said $n records were in, but the run that completed did not say it resumed from them: $(clip "$(tail -c 600 <<<"$err")"); "
    grep -qF "($n already in from the interrupted run)" <<<"$err" ||
      printf '%s' "the completed run's summary does not count the $n records already in: $(clip "$(tail -c 600 <<<"$err")"); "
  fi
}

import_phase() {
  local t0 dir=$WORK/import j k t name p bad last_n r at out n attempt est
  local fails=0 killed=0 finished_first=0 second_killed=0 resumed=0 from_zero=0
  local no_journal=0 temps_after_kill=0 temps_after=0 temp_trials=0 never_killed=0
  local full_ms times=()
  t0=$(now_us)
  RANDOM=$((SEED + 1))
  mkdir -p "$dir"
  local notes=$dir/notes.txt
  : >"$notes"
  # Time an uninterrupted import (median of three) to start the estimate that kill
  # moments are drawn from. The estimate follows the machine: a run that completes
  # before its kill pulls it towards the time that run took; every kill stretches it 5%.
  for k in 1 2 3; do
    rm -rf "$dir/calibrate"
    cp -a "$BASE" "$dir/calibrate"
    t=$(now_us)
    import_run "$dir/calibrate" 2>"$dir/calibrate.err" || {
      fail import-calibration "the import failed: $(clip "$(cat "$dir/calibrate.err")")"
      return
    }
    times+=("$(ms_since "$t")")
    if [ "$k" = 1 ] && ! out=$("$KE" verify-import "$dir/calibrate" "$CORPUS_JSONL" --annotator imp --base-docs "$BASE_DOCS" 2>&1); then
      fail import-calibration "an uninterrupted import does not give the corpus: $(clip "$out")"
      return
    fi
  done
  rm -rf "$dir/calibrate"
  full_ms=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 2p)
  est=$full_ms
  echo "import: an uninterrupted import takes ${times[*]} ms (median $full_ms); $IMPORT_TRIALS trials"
  for j in $(seq 1 "$IMPORT_TRIALS"); do
    name=import-$j p=$dir/p$j bad="" last_n=""
    # The first run, killed. A run that completes first teaches the estimate, and the
    # trial starts again from a fresh copy (up to 6 times).
    for attempt in 1 2 3 4 5 6; do
      rm -rf "$p"
      cp -a "$BASE" "$p"
      at=$(rand_between 1 "$est")
      run_import "$p" "$dir/$j.run1" "$at"
      [ "$RUN_RC" = 137 ] && break
      finished_first=$((finished_first + 1))
      if [ "$RUN_RC" != 0 ]; then
        bad+="the import exited $RUN_RC: $(clip "$(tail -c 600 "$dir/$j.run1.err")"); "
        break
      fi
      est=$(( (est + RUN_MS) / 2 + 1 ))
    done
    for r in 1 2; do
      if [ "$RUN_RC" != 137 ]; then
        # Completed (or failed, reported above).
        [ "$r" = 1 ] && never_killed=$((never_killed + 1))
        [ "$r" = 2 ] && bad+=$(resumed_ok "${last_n:-0}" "$dir/$j.run2.err")
        last_n=done
        break
      fi
      if [ "$r" = 1 ]; then killed=$((killed + 1)); else second_killed=$((second_killed + 1)); fi
      est=$(( est * 21 / 20 + 1 ))
      n=$(find "$p" -name '.entitle-*.tmp' | wc -l)
      temps_after_kill=$((temps_after_kill + n))
      after_kill "$name" "$p" "$notes"
      last_n=$CHECK_N
      if [ -n "$AFTER_KILL_BAD" ]; then
        bad+="after the kill of run $r at $at ms: $AFTER_KILL_BAD"
        last_n="?"
        fail "$name" "(state after the kill of run $r at $at ms, kept as after-kill-$r) $AFTER_KILL_BAD" "$p"
        mv "$WORK/failed/$name/p$j" "$WORK/failed/$name/after-kill-$r" 2>/dev/null
        break
      fi
      # Every fourth trial, kill the second run too.
      (( r == 1 && j % 4 == 0 )) || break
      at=$(rand_between 1 "$est")
      run_import "$p" "$dir/$j.run2" "$at"
    done
    if [ "$last_n" != done ]; then
      import_run "$p" >"$dir/$j.final.out" 2>"$dir/$j.final.err" ||
        bad+="the final run exited $?: $(clip "$(tail -c 600 "$dir/$j.final.err")"); "
      case $last_n in
        "?") ;;  # the state after the kill was wrong already
        "") no_journal=$((no_journal + 1)) ;;
        0) from_zero=$((from_zero + 1)) ;;
        *)
          resumed=$((resumed + 1))
          bad+=$(resumed_ok "$last_n" "$dir/$j.final.err")
          ;;
      esac
    fi
    if ! out=$("$KE" verify-import "$p" "$CORPUS_JSONL" --annotator imp --base-docs "$BASE_DOCS" 2>&1); then
      bad+="final project: $(clip "$out"); "
    fi
    if ! out=$("$KE" verify-files "$p" 2>&1); then bad+="files: $(clip "$out"); "; fi
    n=$(field temp_files "$out")
    if [ "$n" -gt 0 ]; then temps_after=$((temps_after + n)) temp_trials=$((temp_trials + 1)); fi
    if ! out=$("$ENTITLE" check "$p" 2>&1); then bad+="final check: $(clip "$out"); "; fi
    if ! out=$("$ENTITLE" stats "$p" 2>&1 >/dev/null); then bad+="final stats: $(clip "$out"); "; fi
    if [ -n "$bad" ]; then
      fails=$((fails + 1))
      if [ "$last_n" = "?" ]; then
        # Recorded at the kill already; keep the final state beside it.
        printf '%s: (final) %s\n' "$name" "$bad" >>"$FAILED_LIST"
        cp -a "$p" "$WORK/failed/$name/final" 2>/dev/null
      else
        fail "$name" "$bad" "$p"
      fi
      cp -a "$dir/$j".* "$WORK/failed/$name/" 2>/dev/null
    fi
    rm -rf "$p" "$dir/$j".*
    if (( j % 10 == 0 )); then
      echo "import: $j/$IMPORT_TRIALS trials, $fails failed ($killed killed; $finished_first runs completed before their kill; kill moments now drawn over $est ms)"
    fi
  done
  cat >"$dir/result" <<RESULT
imp_fail=$fails imp_killed=$killed imp_finished_first=$finished_first imp_never_killed=$never_killed
imp_second_killed=$second_killed imp_resumed=$resumed imp_from_zero=$from_zero
imp_no_journal=$no_journal imp_temps_after_kill=$temps_after_kill imp_temps_after=$temps_after
imp_temp_trials=$temp_trials imp_full_ms=$full_ms imp_est_ms=$est imp_ms=$(ms_since "$t0")
RESULT
}

# ---------------------------------------------------------------------------------
# 4. run both, then the summary

if [ -n "${KILLTEST_SERIAL:-}" ]; then
  edit_phase
  import_phase
else
  edit_phase &
  edit_pid=$!
  import_phase &
  import_pid=$!
  wait "$edit_pid" "$import_pid"
fi

edit_fail=? edit_edits=? edit_lost=? edit_lost_docs=? edit_max_lag=? edit_temps=? edit_ms=0
imp_fail=? imp_killed=? imp_finished_first=? imp_never_killed=? imp_second_killed=? imp_resumed=? imp_from_zero=?
imp_no_journal=? imp_temps_after_kill=? imp_temps_after=? imp_temp_trials=? imp_full_ms=? imp_est_ms=? imp_ms=0
# shellcheck disable=SC1091
[ -f "$WORK/edit/result" ] && . "$WORK/edit/result"
# shellcheck disable=SC1091
[ -f "$WORK/import/result" ] && . "$WORK/import/result"
FAILURES=$(cut -d: -f1 "$FAILED_LIST" | sort -u | wc -l)
TOTAL_MS=$(ms_since "$T0")
cat <<EOF

==== kill test summary (seed $SEED; rerun: KILLTEST_SEED=$SEED tools/kill-test.sh $EDIT_TRIALS $IMPORT_TRIALS)
editing:   $EDIT_TRIALS trials, $edit_fail failed, $(( edit_ms / 1000 )) s
           $edit_edits edits; at the kills $edit_lost edits were not on disk yet (in $edit_lost_docs
           document-trials), the oldest made $edit_max_lag ms before its kill (limit $LIMIT_MS ms);
           .entitle-*.tmp files left in the project at the end: $edit_temps (entitle check ignores them)
importing: $IMPORT_TRIALS trials, $imp_fail failed, $(( imp_ms / 1000 )) s (an uninterrupted import: $imp_full_ms ms at
           the start, about $imp_est_ms ms at the end)
           first run killed in $imp_killed trials ($imp_finished_first runs completed before their kill and
           were tried again; never killed in $imp_never_killed trials), the second run killed too in $imp_second_killed;
           at the last kill check reported N > 0 records in $imp_resumed times (the final run then
           said it resumed from N), 0 records in $imp_from_zero, no interrupted import $imp_no_journal;
           .entitle-*.tmp files left by the kills: $imp_temps_after_kill, still there after the
           import completed: $imp_temps_after (in $imp_temp_trials trials; entitle check ignores them)
time:      build $(( BUILD_MS / 1000 )) s, setup $(( SETUP_MS / 1000 )) s, total $(( TOTAL_MS / 1000 )) s
EOF
if [ -s "$WORK/import/notes.txt" ]; then
  echo "notes ($WORK/import/notes.txt, $(wc -l <"$WORK/import/notes.txt") lines):"
  head -5 "$WORK/import/notes.txt"
fi
if [ "$FAILURES" -gt 0 ] || [ "$edit_fail" != 0 ] || [ "$imp_fail" != 0 ]; then
  echo "FAILED: $FAILURES trials (list: $FAILED_LIST; projects and logs kept in $WORK/failed/)"
  exit 1
fi
echo "all trials passed"
[ -n "${KILLTEST_DIR:-}" ] || rm -rf "$WORK"
exit 0
