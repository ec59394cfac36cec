# Back Pain Guide: the developer's commands. `make chat` and `make test` are the two that matter.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: chat simulator test test-fast lint content-check generate models validators stems index sign-model topic-model bench bench-py313 bench-questions bench-emergency bench-web bench-persistence soak deploy-check deploy clean

NODE_STAMP := node_modules/.installed

$(STAMP): requirements-dev.txt lambda/requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

# Node tools the tests drive: dynalite (a DynamoDB-compatible server) and virtual-alexa.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

## chat: set up, then talk to the skill in the local console (like the developer console's Test tab)
chat: $(STAMP)
	cd lambda && ../$(PY) -m back_pain_guide.local.console $(ARGS)

## simulator: set up, then serve the test page (like the developer console's Test tab) at http://127.0.0.1:8080/
simulator: $(STAMP)
	cd lambda && ../$(PY) -m back_pain_simulator $(ARGS)

# Debian's chromium and chromedriver, for the test page's browser tests (tests/simulator). Installed
# with apt-get when missing and this is root; otherwise CI fails here and a developer's run skips them.
CHROMIUM_STAMP := $(VENV)/.chromium
$(CHROMIUM_STAMP): | $(STAMP)
	@if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then touch $@; \
	elif [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		chromium chromium-driver >/dev/null; then touch $@; \
	elif [ -n "$$CI" ]; then echo "chromium and chromium-driver are needed for tests/simulator and could not be installed" >&2; exit 1; \
	else echo "note: no chromium/chromedriver and not root: the browser tests will skip (apt-get install chromium chromium-driver)"; fi

## test: set up, then run the whole test suite
test: $(STAMP) $(NODE_STAMP) $(CHROMIUM_STAMP)
	$(PY) -m pytest -q -n auto tests

## test-fast: the quick part of the suite (tests not marked slow: no servers, browser, fuzzing or builds)
test-fast: $(STAMP)
	$(PY) -m pytest -q -n auto -m "not slow" tests

## lint: ruff's checks and formatting, and mypy, with the settings in pyproject.toml (run by CI)
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

## content-check: validate content/back_pain.json and print the coverage table
content-check: $(STAMP)
	$(PY) tools/content_check.py

## generate: everything generated from content/ and interaction_model/source/ (run after editing them)
generate: models validators stems index sign-model topic-model

## models: regenerate interaction_model/<locale>.json from interaction_model/source/
models: $(STAMP)
	$(PY) tools/build_models.py

## validators: regenerate lambda/back_pain_guide/generated/validators/ from content/*.schema.json
validators: $(STAMP)
	$(PY) tools/build_validators.py

## stems: regenerate lambda/back_pain_guide/generated/stems.json (stems of every content word) after content changes
stems: $(STAMP)
	$(PY) tools/build_stems.py

## index: regenerate lambda/back_pain_guide/generated/search_index.bin (the free-form search index, read lazily) after content, lexicon or search code changes
index: $(STAMP) stems
	$(PY) tools/build_index.py

## sign-model: retrain lambda/back_pain_guide/generated/sign_model.bin (the learned second opinion on warning signs) after the dev evaluation sets, the emergency lexicon or the model's code change
sign-model: $(STAMP)
	$(PY) tools/train_sign_model.py

## topic-model: retrain lambda/back_pain_guide/generated/topic_model.bin (the learned topic model the question ranker blends in) after the dev question sets, the content, the search lexicon or the ranker's code change
topic-model: $(STAMP) stems
	$(PY) tools/train_topic_model.py

## bench-emergency: emergency recall and false alarms per sign, locale and context, on the dev and frozen test parts, through the handler and the console
bench-emergency: $(STAMP)
	$(PY) bench/bench_emergency.py

## bench-web: load-test the web service under gunicorn (verification on) against a bare Flask route
bench-web: $(STAMP)
	$(PY) bench/bench_web.py --duration 20 --connections 32

## bench-persistence: launch-turn cost per profile store (none, SQLite, dynalite) and with each store hung
bench-persistence: $(STAMP) $(NODE_STAMP)
	$(PY) bench/bench_persistence.py

## bench: cold start, warm latency and package size against a minimal ASK SDK skill
bench: $(STAMP)
	$(PY) bench/bench_skill.py $(ARGS)

# CPython 3.13, the Lambda runtime's version (pyenv's if there is one), for bench-py313.
PYTHON313 ?= $(firstword $(wildcard $(shell pyenv root 2>/dev/null)/versions/3.13*/bin/python3.13) python3.13)
VENV313 := .venv-3.13

$(VENV313)/.installed: lambda/requirements.txt
	test -x $(VENV313)/bin/python || $(PYTHON313) -m venv $(VENV313)
	$(VENV313)/bin/python -m pip install --quiet -r lambda/requirements.txt
	touch $@

## bench-py313: the same benchmark on CPython 3.13, the version the function runs on (needs python3.13)
bench-py313: $(VENV313)/.installed
	$(VENV313)/bin/python bench/bench_skill.py $(ARGS)

## bench-questions: free-form question accuracy and speed on the evaluation set
bench-questions: $(STAMP)
	$(PY) bench/bench_questions.py

## soak: many mixed requests through the handler in one process; memory must not grow
soak: $(STAMP)
	$(PY) bench/soak.py

## deploy-check: cfn-lint, sam validate --lint, sam build, a smoke test of the built package, the icons and `make deploy DRY_RUN=1`
deploy-check:
	bash tools/deploy_check.sh

## deploy: skill, models and function together (docs/DEPLOY.md); DRY_RUN=1 shows and validates every call, sending nothing
deploy:
	bash tools/deploy.sh $(if $(DRY_RUN),--dry-run)

clean:
	rm -rf $(VENV) $(VENV313) .venv-deploy .pytest_cache node_modules .aws-sam
