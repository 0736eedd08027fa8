#!/usr/bin/env bash
# Smoke test of the real app in an X window (Xvfb, Mesa software GL), driven by xdotool:
# first run installs the sample (Ctrl+Page Up goes from the annotated article to the
# first), a mouse drag across the first word and a label key tag
# it, the process is killed with SIGKILL, a restart finds the span and deletes it, Ctrl+Q
# quits. Asserts on the event log (ENTITLE_EVENT_LOG) and on the annotation file.
#   .ci/smoke.sh BINARY [SCREENSHOT.png]
# With SMOKE_LAUNCHER set (e.g. the path of wine64) the binary is started through it:
# .ci/windows.sh runs entitle.exe this way.
set -euo pipefail
BIN=$(realpath "${1:-target/debug/entitle}")
SHOT=${2:-}
LAUNCHER=${SMOKE_LAUNCHER:-}
work=$(mktemp -d)
export ENTITLE_DATA_DIR="$work/data" ENTITLE_EVENT_LOG="$work/events.log"
export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/xdg-data" LIBGL_ALWAYS_SOFTWARE=1
display=:$((90 + RANDOM % 100))
# -noreset: by default Xvfb resets whenever its last client disconnects (every xdotool call,
# the killed app), and a client that connects during the reset is refused.
Xvfb "$display" -screen 0 1400x900x24 -nolisten tcp -noreset >"$work/xvfb.log" 2>&1 &
xvfb=$!
export DISPLAY=$display
app=""
cleanup() {
  [ -n "$app" ] && kill -9 "$app" 2>/dev/null || true
  kill "$xvfb" 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 1 50); do
  xdotool getdisplaygeometry >/dev/null 2>&1 && break
  sleep 0.2
done
xdotool getdisplaygeometry >/dev/null 2>&1 || { echo "Xvfb did not start"; cat "$work/xvfb.log"; exit 1; }

start_app() {
  if [ -n "$LAUNCHER" ]; then
    "$LAUNCHER" "$BIN" --annotator smoke >"$work/app.log" 2>&1 &
  else
    "$BIN" --annotator smoke >"$work/app.log" 2>&1 &
  fi
  app=$!
  # Up to 120 s: a first start under Wine (a new prefix, software GL) can be slow,
  # more so on a loaded machine.
  for _ in $(seq 1 600); do
    # The title is "document — project — Entitle" (just "Entitle" before a project is open).
    win=$(xdotool search --name 'Entitle$' 2>/dev/null | head -1 || true)
    [ -n "$win" ] && break
    sleep 0.2
  done
  if [ -z "${win:-}" ]; then
    echo "no window appeared"; cat "$work/app.log"; echo "--- xvfb"; cat "$work/xvfb.log"; exit 1
  fi
  sleep 1.5
  xdotool windowfocus "$win"
  sleep 0.5
}

# Polls for up to $1 seconds: a loaded 2-core CI machine can be slower than a fixed sleep.
wait_for() {
  local secs=$1; shift
  for _ in $(seq 1 $((secs * 10))); do "$@" && return 0; sleep 0.1; done
  return 1
}

fail() { echo "SMOKE FAILED: $*"; echo "--- events"; cat "$ENTITLE_EVENT_LOG" || true; echo "--- app"; cat "$work/app.log"; exit 1; }

ann="$ENTITLE_DATA_DIR/sample-project/annotations/smoke/docs/01-aleppo-souk-reopens.json"

start_app
# A first run shows the sample's annotated article; three documents back is Aleppo.
wait_for 5 grep -qs '^OPEN docs/04-brussels-migration-summit$' "$ENTITLE_EVENT_LOG" || fail "sample did not open on its annotated article"
for _ in 1 2 3; do xdotool key ctrl+Prior; sleep 0.3; done
wait_for 5 grep -qs '^OPEN docs/01-aleppo-souk-reopens$' "$ENTITLE_EVENT_LOG" || fail "Ctrl+Page Up did not reach the first document"
# Drag across the first word as a user would: from its first to its sixth character
# (the app logs where they are; points are pixels at scale 1).
wait_for 5 grep -qs '^CHARS docs/01-aleppo-souk-reopens ' "$ENTITLE_EVENT_LOG" || fail "no geometry logged"
read -r _ _ x0 y0 x1 y1 < <(grep '^CHARS docs/01-aleppo-souk-reopens ' "$ENTITLE_EVENT_LOG" | head -1)
xdotool mousemove --window "$win" "$x0" "$y0"; sleep 0.2
xdotool mousedown 1; sleep 0.2
xdotool mousemove --window "$win" "$(( (x0 + x1) / 2 ))" "$y0"; sleep 0.1
xdotool mousemove --window "$win" "$x1" "$y1"; sleep 0.2
xdotool mouseup 1; sleep 0.4
xdotool key 3                         # tag it GPE
wait_for 3 grep -qs '^ADD docs/01-aleppo-souk-reopens T1 GPE 0 6 "Aleppo"$' "$ENTITLE_EVENT_LOG" || fail "no ADD event"
# Autosave aims at one second after the edit; allow slack for a loaded machine.
wait_for 3 grep -qs '"start":0,"end":6,"label":"GPE","text":"Aleppo"' "$ann" || fail "span not on disk within 3 s"
if [ -n "$SHOT" ]; then
  sleep 0.5
  import -display "$DISPLAY" -window root "$SHOT" && echo "screenshot: $SHOT"
fi
kill -9 "$app"; wait "$app" 2>/dev/null || true; app=""
echo "killed with SIGKILL; the span survived on disk"

start_app
xdotool key Tab; sleep 0.4            # select the span found on disk
xdotool key Delete
wait_for 3 grep -qs '^DELETE docs/01-aleppo-souk-reopens T1$' "$ENTITLE_EVENT_LOG" || fail "span not found after restart"
wait_for 3 grep -qs '"spans": \[\]' "$ann" || fail "deletion not on disk within 3 s"
xdotool key ctrl+q
for _ in $(seq 1 100); do kill -0 "$app" 2>/dev/null || break; sleep 0.2; done
kill -0 "$app" 2>/dev/null && fail "Ctrl+Q did not quit"
app=""
echo "smoke test passed"
