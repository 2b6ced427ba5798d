#!/usr/bin/env bash
# Installs the Python validators (pyshacl, rdflib, jsonschema from PyPI) into a venv cached by
# the hash of requirements.txt, so a second run (or a fresh clone on the same machine) is instant.
# Prints the venv's python path.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
hash="$(sha256sum "$here/requirements.txt" | cut -c1-12)"
venv="${CARELEDGER_VALIDATOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/careledger-validators}/venv-$hash"
if [ ! -x "$venv/bin/python" ] || [ ! -f "$venv/.complete" ]; then
    rm -rf "$venv"
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt" >&2
    touch "$venv/.complete"
fi
echo "$venv/bin/python"
