#!/usr/bin/env bash
# The README's screenshots: the real app in an X window (Xvfb, Mesa software GL) on a
# first run of the sample (its annotated article, nested spans), in the dark and the
# light theme (chosen through the command palette, as a user would).
#   tools/screenshots.sh [BINARY] [OUT_DIR]     (defaults: target/debug/entitle, docs/)
set -euo pipefail
BIN=$(realpath "${1:-target/debug/entitle}")
OUT=$(realpath "${2:-docs}")
work=$(mktemp -d)
export ENTITLE_DATA_DIR="$work/data" XDG_CONFIG_HOME="$work/config" \
  XDG_DATA_HOME="$work/xdg-data" LIBGL_ALWAYS_SOFTWARE=1
display=:$((90 + RANDOM % 100))
Xvfb "$display" -screen 0 1400x900x24 -nolisten tcp -noreset >"$work/xvfb.log" 2>&1 &
xvfb=$!
export DISPLAY=$display
app=""
cleanup() {
  [ -n "$app" ] && kill -9 "$app" 2>/dev/null || true
  kill "$xvfb" 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 1 50); do xdotool getdisplaygeometry >/dev/null 2>&1 && break; sleep 0.2; done
"$BIN" --annotator analyst >"$work/app.log" 2>&1 &
app=$!
win=""
for _ in $(seq 1 300); do
  win=$(xdotool search --name 'Entitle$' 2>/dev/null | head -1 || true)
  [ -n "$win" ] && break
  sleep 0.2
done
[ -n "$win" ] || { echo "no window appeared"; cat "$work/app.log"; exit 1; }
sleep 2
xdotool windowfocus "$win"; sleep 0.5
# Hover a nested span so its tooltip shows what it is.
shot() {
  xdotool key ctrl+shift+p; sleep 0.5
  xdotool type --delay 40 "theme $1"; sleep 0.3
  xdotool key Return; sleep 1.5
  import -display "$DISPLAY" -window "$win" "$OUT/$2"
  echo "wrote $OUT/$2"
}
shot dark after-dark.png
shot light after-light.png
