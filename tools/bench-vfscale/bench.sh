#!/bin/bash
# L4 of django (dependency: stdlib) with facts vs summaries: cold, then after a body-only edit. Run prepare.mjs first.
set -e
R=${1:-/tmp/vfscale-bench}
H=$(cd "$(dirname "$0")" && pwd)
cd "$R"
if [ ! -f .out/stdlib/l4/manifest.json ]; then node "$H/l4-once.mjs" "$R" stdlib .out/stdlib 1 > /dev/null; fi
for mode in 0 1; do
  rm -rf .out/django-$mode && mkdir -p .out/django-$mode && cp -r .out/django/l0 .out/django/l1 .out/django/l5 .out/django-$mode/
done
for mode in 0 1; do echo "cold summaries=$mode $(node "$H/l4-once.mjs" "$R" django .out/django-$mode $mode stdlib .out/stdlib)"; done
# A body-only edit of django/utils/text.py (a statement added to a function body), then L1/L5 of django again.
cp django/django/utils/text.py /tmp/vfscale-text.py.orig
python3 - django/django/utils/text.py <<'PY'
import sys,re
p=sys.argv[1]; s=open(p).read()
i=s.index('    return x and str(x)[0].upper()')
s=s[:i]+'    _unused_bench = 1\n'+s[i:]
open(p,'w').write(s)
PY
for mode in 0 1; do node -e "
const e=require('$H/../../packages/engine/dist/index.js');
(async()=>{await e.initHash();await e.indexDirectory({dir:'$R/django',outDir:'$R/.out/django-$mode',root:'$R',workers:2});await e.runL5({root:'$R',outDir:'$R/.out/django-$mode',workers:2});})()"; done
for mode in 0 1; do echo "edit summaries=$mode $(node "$H/l4-once.mjs" "$R" django .out/django-$mode $mode stdlib .out/stdlib)"; done
cp /tmp/vfscale-text.py.orig django/django/utils/text.py
