#!/usr/bin/env bash
# The README's pictures of issue 10: two layers side by side with their differences
# marked, and the curation view. The real app under Xvfb (as tools/screenshots.sh): a
# first run installs the sample with the Brussels article annotated as alice; a copy
# with a few changes becomes bob's layer; then Ctrl+Shift+L, Side by side; Close;
# Ctrl+Shift+L, Curate, F4. Clicks are at the dialog's places in a 1400x900 screen.
#   tools/teams_screenshots.sh [BINARY] [OUT_DIR]   (defaults: target/debug/entitle, docs/)
set -euo pipefail
BIN=$(realpath "${1:-target/debug/entitle}")
OUT=$(realpath "${2:-docs}")
work=$(mktemp -d)
export ENTITLE_DATA_DIR="$work/data" XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/xdg-data" LIBGL_ALWAYS_SOFTWARE=1
display=:$((90 + RANDOM % 100))
Xvfb "$display" -screen 0 1400x900x24 -nolisten tcp -noreset >"$work/xvfb.log" 2>&1 &
xvfb=$!
export DISPLAY=$display
trap 'kill -9 $(jobs -p) 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do xdotool getdisplaygeometry >/dev/null 2>&1 && break; sleep 0.2; done
# First run: the sample with the Brussels article annotated as alice.
"$BIN" --annotator alice >"$work/app.log" 2>&1 & app=$!
for _ in $(seq 1 300); do win=$(xdotool search --name 'Entitle$' 2>/dev/null | head -1 || true); [ -n "$win" ] && break; sleep 0.2; done
sleep 3; kill $app; wait $app 2>/dev/null || true
root=$work/data/sample-project
python3 - "$root" <<'PY'
import json,sys,os,glob
root=sys.argv[1]
src=glob.glob(root+'/annotations/alice/**/*.json',recursive=True)[0]
d=json.load(open(src))
spans=d['spans']
# bob: drop two spans, relabel one, shrink one
bob=[dict(s) for s in spans]
del bob[3]; del bob[7]
bob[1]['label']='GPE' if bob[1]['label']!='GPE' else 'LOC'
s=bob[5]
t=s['text']
if ' ' in t:
    cut=t.index(' ')
    s['end']=s['start']+cut; s['text']=t[:cut]
ids={s['id'] for s in bob}
d2=dict(d); d2['annotator']='bob'; d2['spans']=bob
d2['relations']=[r for r in d.get('relations',[]) if r['from'] in ids and r['to'] in ids]
dst=src.replace('/alice/','/bob/')
os.makedirs(os.path.dirname(dst),exist_ok=True)
json.dump(d2,open(dst,'w'),ensure_ascii=False,indent=1)
print(dst)
PY
"$BIN" --annotator alice >"$work/app2.log" 2>&1 & app=$!
for _ in $(seq 1 300); do win=$(xdotool search --name 'Entitle$' 2>/dev/null | head -1 || true); [ -n "$win" ] && break; sleep 0.2; done
sleep 3
xdotool windowfocus "$win"; sleep 0.5
xdotool key ctrl+shift+l; sleep 1
xdotool mousemove --window "$win" 64 113 click 1; sleep 1      # Side by side
xdotool mousemove --window "$win" 150 274 click 1; sleep 2     # the Brussels article
import -display "$DISPLAY" -window "$win" "$OUT/compare-layers.png"
echo "wrote $OUT/compare-layers.png"
xdotool mousemove --window "$win" 1079 91 click 1; sleep 1     # Close
xdotool key ctrl+shift+l; sleep 1
xdotool mousemove --window "$win" 49 191 click 1; sleep 2      # Curate
xdotool key F4; sleep 1
import -display "$DISPLAY" -window "$win" "$OUT/curation.png"
echo "wrote $OUT/curation.png"
rm -rf "$work"
