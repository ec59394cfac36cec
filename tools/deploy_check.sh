#!/usr/bin/env bash
# The deployment check (`make deploy-check`, run by .ci/run): lint the SAM template, build the
# Lambda package exactly as `sam build` does for a deploy, and smoke-test the built package.
# Needs no AWS account, credentials, network (beyond PyPI) or Docker.
#
#   1. .venv-deploy: aws-sam-cli and cfn-lint pinned in requirements-deploy.txt (kept apart
#      from .venv: SAM pins its own boto3, which must not decide what the skill is tested with)
#   2. cfn-lint template.yaml
#   3. sam validate --lint (cfn-lint with SAM's transform; asks AWS nothing), and the transformed
#      template's invoke permission: Alexa only, bound to the SkillId parameter
#   4. sam build into a temporary folder (lambda/Makefile: deps for python3.13/arm64 via pip)
#   5. a fresh interpreter that sees only the built folder (+ boto3, standing in for the runtime)
#      imports lambda_function and answers a session through every intent, an emergency whose
#      country comes from the device's time zone over HTTPS, and the DynamoDB store
#      (tests/deploy/smoke_built_package.py)
#   6. the zipped package's size and file count
#   7. the icons are the rendering of their SVG (tools/make_icons.py --check)
#   8. `make deploy DRY_RUN=1` (tools/deploy.py): every call and payload, validated, nothing sent
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

source tools/deploy_env.sh
VENV=$DEPLOY_VENV
PYTHON=${PYTHON:-python3}
export AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-us-east-1}
export AWS_REGION=${AWS_REGION:-$AWS_DEFAULT_REGION}

step_started=0
step() { step_started=$SECONDS; echo; echo "== $*"; }
took() { echo "   ($((SECONDS - step_started)) s)"; }

step "deploy tools (.venv-deploy from requirements-deploy.txt)"
ensure_deploy_venv
"$VENV/bin/sam" --version
"$VENV/bin/cfn-lint" --version
took
# The Makefile's `python3 -m pip` is the deploy venv's, whatever python3 the machine has.
export PATH="$ROOT/$VENV/bin:$PATH"

step "cfn-lint template.yaml"
cfn-lint template.yaml
echo "   no findings"
took

step "sam validate --lint, and what SAM's transform makes of the Alexa trigger"
sam validate --lint --template template.yaml
"$VENV/bin/python" tests/deploy/check_transformed_template.py template.yaml
took

# An interpreter of the runtime's version (3.13), if the machine has one: the build uses it to
# ship bytecode and the smoke test runs on it. Otherwise any 3.11+ runs the package (its one
# compiled dependency, charset_normalizer, falls back to its pure-Python modules off arm64).
SMOKE_PYTHON=${SMOKE_PYTHON:-}
if [ -z "$SMOKE_PYTHON" ]; then
    pyenv_313=$(command -v pyenv >/dev/null && ls -d "$(pyenv root)"/versions/3.13*/bin/python3.13 2>/dev/null | tail -1 || true)
    for candidate in python3.13 "$pyenv_313" "$PYTHON"; do
        if [ -n "$candidate" ] && "$candidate" -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null; then
            SMOKE_PYTHON=$candidate; break
        fi
    done
fi
if "$SMOKE_PYTHON" -c 'import sys; assert sys.version_info[:2] == (3, 13)' 2>/dev/null; then
    export TARGET_PYTHON=$SMOKE_PYTHON
fi
echo "Python for bytecode and the smoke test: $SMOKE_PYTHON ($("$SMOKE_PYTHON" --version 2>&1))"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/bpg-deploy-check.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

step "sam build (makefile build method, no Docker)"
build_started=$SECONDS
sam build --template template.yaml --build-dir "$WORK/build" --cache-dir "$WORK/cache"
BUILD_SECONDS=$((SECONDS - build_started))
FUNCTION_DIR="$WORK/build/BackPainGuideFunction"
test -f "$FUNCTION_DIR/lambda_function.py" || { echo "no built function at $FUNCTION_DIR" >&2; exit 1; }
took

step "smoke test: a fresh interpreter imports the built function alone and answers every intent"
# Stand-in for what the Lambda runtime provides: boto3 at the version the tests pin, alone in
# its folder (the deploy venv's boto3 would bring SAM's extras, such as awscrt, along).
BOTO3_PIN=$(grep -E '^boto3==' requirements-dev.txt | cut -d' ' -f1)
RUNTIME_SITE="$ROOT/$VENV/lambda-runtime/${BOTO3_PIN#boto3==}"
if [ ! -f "$RUNTIME_SITE/.installed" ]; then
    rm -rf "$RUNTIME_SITE"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-warn-conflicts --no-compile --target "$RUNTIME_SITE" \
        --python-version 3.13 --only-binary=:all: --implementation cp "$BOTO3_PIN"
    touch "$RUNTIME_SITE/.installed"
fi
"$SMOKE_PYTHON" -I -S -B tests/deploy/smoke_built_package.py --build-dir "$FUNCTION_DIR" \
    --runtime-site "$RUNTIME_SITE" --fixture tests/fixtures/launch_request.json --content content \
    --models interaction_model --exclude-list lambda/package-exclude.txt
took

step "package"
"$VENV/bin/python" - "$FUNCTION_DIR" "$WORK/package.zip" <<'EOF'
import os, sys, zipfile
root, target = sys.argv[1], sys.argv[2]
files = sorted(os.path.join(d, f) for d, _, names in os.walk(root) for f in names)
with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
    for path in files:
        archive.write(path, os.path.relpath(path, root))
unzipped = sum(os.path.getsize(p) for p in files)
print(f"   built package: {len(files)} files, {unzipped / 1e6:.1f} MB unzipped, "
      f"{os.path.getsize(target) / 1e6:.2f} MB zipped (Lambda's limit: 50 MB zipped, 250 MB unzipped)")
EOF

step "icons: skill-package/assets/images are the rendering of icon.svg"
"$VENV/bin/python" tools/make_icons.py --check
took

step "make deploy DRY_RUN=1: every call and payload of a deploy to all three endpoint regions, validated"
bash tools/deploy.sh --dry-run --regions NA,EU,FE --privacy-policy-url https://example.org/back-pain-guide/privacy
took
echo "   sam build took ${BUILD_SECONDS} s; the whole check ${SECONDS} s"
echo
echo "deploy check passed"
