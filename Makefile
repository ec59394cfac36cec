# Back Pain Guide: the developer's commands. `make chat` and `make test` are the two that matter.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: chat test content-check models bench bench-questions bench-web soak clean

$(STAMP): requirements-dev.txt lambda/requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

## chat: set up, then talk to the skill in the local console (like the developer console's Test tab)
chat: $(STAMP)
	cd lambda && ../$(PY) -m back_pain_guide.console $(ARGS)

## test: set up, then run the whole test suite
test: $(STAMP)
	$(PY) -m pytest -q tests

## content-check: validate content/back_pain.json and print the coverage table
content-check: $(STAMP)
	$(PY) tools/content_check.py

## models: regenerate interaction_model/<locale>.json from interaction_model/source/
models: $(STAMP)
	$(PY) tools/build_models.py

## bench-web: load-test the web service under gunicorn (verification on) against a bare Flask route
bench-web: $(STAMP)
	$(PY) bench/bench_web.py --duration 20 --connections 32

clean:
	rm -rf $(VENV) .pytest_cache
