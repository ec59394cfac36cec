#!/usr/bin/env bash
# `make deploy [DRY_RUN=1]`: the deploy tools into the project (.venv-deploy from
# requirements-deploy.txt, the ASK CLI from package.json), then tools/deploy.py.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/deploy_env.sh
ensure_deploy_venv
if [ ! -x node_modules/.bin/ask ]; then
    command -v npm >/dev/null || { echo "make deploy: Node.js 18 or newer with npm is needed for the ASK CLI (docs/DEPLOY.md)" >&2; exit 1; }
    npm ci --no-audit --no-fund --loglevel=error
fi
export PATH="$PWD/$DEPLOY_VENV/bin:$PATH"
exec "$DEPLOY_VENV/bin/python" tools/deploy.py "$@"
