#!/usr/bin/env bash
# README's picture of relation arcs: the AFP article (shared/corpus) with the entities
# and relations of tools/afp_relations.py, imported into a project with the sample's
# schema, opened in the real app in an X window (Xvfb, Mesa software GL).
#   tools/arcs_screenshot.sh [BINARY] [OUT.png]  (defaults: target/debug/entitle, docs/arcs-afp.png)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${1:-target/debug/entitle}")
OUT=$(realpath -m "${2:-docs/arcs-afp.png}")
ARTICLE=${ARTICLE:-../shared/corpus/afp-syria-2020.txt}
work=$(mktemp -d)
export ENTITLE_DATA_DIR="$work/data" XDG_CONFIG_HOME="$work/config" \
  XDG_DATA_HOME="$work/xdg-data" LIBGL_ALWAYS_SOFTWARE=1
python3 tools/afp_relations.py "$ARTICLE" "$work/brat"
mkdir -p "$work/afp"
cp assets/sample/entitle.toml "$work/afp/"
"$BIN" --annotator analyst import "$work/afp" "$work/brat" --format brat
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
"$BIN" --annotator analyst "$work/afp" >"$work/app.log" 2>&1 &
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
xdotool key ctrl+shift+p; sleep 0.5
xdotool type --delay 40 "theme ${THEME:-dark}"; sleep 0.3
xdotool key Return; sleep 1.5
import -display "$DISPLAY" -window "$win" "$OUT"
echo "wrote $OUT"
