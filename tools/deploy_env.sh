# Sourced by tools/deploy.sh and tools/deploy_check.sh: .venv-deploy holds SAM CLI, cfn-lint and
# what tools/deploy.py needs (requirements-deploy.txt), kept apart from .venv (SAM pins its own
# boto3, which must not decide what the skill is tested with).
DEPLOY_VENV=.venv-deploy
export SAM_CLI_TELEMETRY=0

ensure_deploy_venv() {
    local python=${PYTHON:-python3} wanted
    if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' 2>/dev/null; then
        echo "The deploy tools need Python 3.10 or newer as ${python} (found: $("$python" --version 2>&1 || echo none))." >&2
        echo "macOS: brew install python@3.13 and run with PYTHON=python3.13; Linux: your distribution's python3.11+;" >&2
        echo "Windows: use WSL (docs/DEPLOY.md)." >&2
        return 1
    fi
    wanted=$("$python" -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' requirements-deploy.txt)
    if [ ! -x "$DEPLOY_VENV/bin/sam" ] || [ "$(cat "$DEPLOY_VENV/.installed" 2>/dev/null)" != "$wanted" ]; then
        test -x "$DEPLOY_VENV/bin/python" || "$python" -m venv "$DEPLOY_VENV"
        "$DEPLOY_VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
        "$DEPLOY_VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements-deploy.txt
        echo "$wanted" > "$DEPLOY_VENV/.installed"
    fi
}
