# Sourced by the project's scripts, or run on its own: installs schemathesis (PyPI) into a
# virtualenv cached outside the repo, once. The version is pinned: a release that adds or
# changes checks should arrive in a commit, not in the middle of a CI run.
CRM_HOME="${CRM_HOME:-$HOME/.cache/pharmacy-crm}"
CRM_SCHEMATHESIS_VERSION="${CRM_SCHEMATHESIS_VERSION:-4.32.5}"
SCHEMATHESIS_VENV="$CRM_HOME/venv-schemathesis-$CRM_SCHEMATHESIS_VERSION"
SCHEMATHESIS_BIN="$SCHEMATHESIS_VENV/bin/st"

ensure_schemathesis() {
  # The marker is written last: a venv left by an interrupted install is not taken for done.
  if [ -x "$SCHEMATHESIS_BIN" ] && [ -f "$SCHEMATHESIS_VENV/.installed" ]; then return 0; fi
  local python
  python=$(command -v python3 || true)
  if [ -z "$python" ]; then
    echo "[schemathesis] python3 (>= 3.9, with venv) is needed to install schemathesis" >&2
    return 1
  fi
  echo "[schemathesis] installing schemathesis $CRM_SCHEMATHESIS_VERSION from PyPI into $SCHEMATHESIS_VENV (about a minute)…"
  rm -rf "$SCHEMATHESIS_VENV"
  mkdir -p "$CRM_HOME"
  "$python" -m venv "$SCHEMATHESIS_VENV"
  if ! "$SCHEMATHESIS_VENV/bin/pip" install --disable-pip-version-check --progress-bar off \
    "schemathesis==$CRM_SCHEMATHESIS_VERSION" | grep -E '^(Collecting schemathesis|Successfully)'; then
    echo "[schemathesis] install failed" >&2
    rm -rf "$SCHEMATHESIS_VENV"
    return 1
  fi
  touch "$SCHEMATHESIS_VENV/.installed"
  echo "[schemathesis] $("$SCHEMATHESIS_BIN" --version)"
}

# Run on its own (`bash scripts/lib/schemathesis-env.sh`): install if missing, print the CLI.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  ensure_schemathesis >&2
  echo "$SCHEMATHESIS_BIN"
fi
