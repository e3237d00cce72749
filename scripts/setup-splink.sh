#!/usr/bin/env bash
# The Python side of bench:match: Splink 5 with its DuckDB backend in a virtualenv of its own (.venv-splink), from
# PyPI. Only the benchmark needs it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv-splink"
if [ ! -x "$venv/bin/python" ]; then
  echo "Creating $venv for Splink (bench:match)..." >&2
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$root/bench/splink/requirements.txt" >&2
