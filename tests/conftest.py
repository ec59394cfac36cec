"""Shared test set-up: a private SQLite store, console fixtures, and the ``slow`` marker.

The folders tests import from (lambda/, tools/, bench/ and the support folders) are on
``sys.path`` through ``pythonpath`` in pyproject.toml."""

from __future__ import annotations

import json
import os
import tempfile
import uuid
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
#: Folders and files whose tests take seconds each (servers, a browser, fuzzing, the whole
#: evaluation sets, builds): marked ``slow``, so ``make test-fast`` leaves them out.
SLOW = (
    "deploy/",
    "e2e/",
    "hardening/",
    "perf/",
    "persistence/",
    "serializer/",
    "simulator/",
    "web/",
    "locales/test_locale_models.py",
    "safety/test_emergency_eval.py",
    "search/test_index_rankings.py",
)
# Tests never touch the developer's own state file.
os.environ.setdefault("BACK_PAIN_GUIDE_DB", str(Path(tempfile.mkdtemp(prefix="bpg-test-")) / "state.sqlite3"))

from back_pain_guide.local.console import Console, speech_text  # noqa: E402
from back_pain_guide.skill import lambda_handler  # noqa: E402


def _is_slow(path: Path) -> bool:
    relative = path.relative_to(TESTS).as_posix() + ("/" if path.is_dir() else "")
    return relative.startswith(SLOW)


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Under ``-m "not slow"`` the slow folders are not even imported (each xdist worker collects)."""
    if (
        config.getoption("markexpr") == "not slow"
        and TESTS in collection_path.parents
        and _is_slow(collection_path)
    ):
        return True
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if TESTS in item.path.parents and _is_slow(item.path):
            item.add_marker(pytest.mark.slow)


class Listener:
    """Talks to the skill through the console's resolver, like a person at a device."""

    def __init__(self, locale: str = "en-US", screen: bool = False, user_id: str | None = None) -> None:
        # A fresh user per listener, so what one test stores never changes another's greeting.
        user_id = user_id or f"amzn1.ask.account.test-{uuid.uuid4()}"
        self.console = Console(lambda_handler, locale=locale, screen=screen, user_id=user_id)
        self.request: dict = {}
        self.response: dict = {}

    def open(self) -> str:
        return self.say("open back pain guide")

    def say(self, utterance: str) -> str:
        """Say something; returns what Alexa says back (plain text)."""
        self.request, self.response = self.console.say(utterance)
        return self.speech

    def send(self, envelope: dict) -> dict:
        self.request, self.response = envelope, self.console.send(envelope)
        return self.response

    @property
    def speech(self) -> str:
        return speech_text((self.response.get("response") or {}).get("outputSpeech"))

    @property
    def reprompt(self) -> str:
        reprompt = (self.response.get("response") or {}).get("reprompt") or {}
        return speech_text(reprompt.get("outputSpeech"))

    @property
    def card(self) -> dict:
        return (self.response.get("response") or {}).get("card") or {}

    @property
    def intent(self) -> str:
        request = self.request.get("request", {})
        return request.get("intent", {}).get("name", request.get("type", ""))

    @property
    def session_open(self) -> bool:
        return (self.response.get("response") or {}).get("shouldEndSession") is False


@pytest.fixture
def listener() -> Listener:
    return Listener()


@pytest.fixture
def make_listener():
    return Listener


# --- the hardening summary: how many generated cases each property ran ----------------------
# Under pytest-xdist the properties run in workers; each hands its counts to the controller,
# which adds them up and prints them (this conftest is the one an xdist controller loads).
_HARDENING_KEY = "hardening_cases"


def pytest_sessionfinish(session: pytest.Session) -> None:
    import hardening_support

    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None and hardening_support.CASES:
        workeroutput[_HARDENING_KEY] = json.dumps(
            {"cases": hardening_support.CASES, "outcomes": hardening_support.OUTCOMES}
        )


def pytest_testnodedown(node, error) -> None:
    import hardening_support

    sent = getattr(node, "workeroutput", {}).get(_HARDENING_KEY)
    if not sent:
        return
    counts = json.loads(sent)
    for prop, total in counts["cases"].items():
        hardening_support.CASES[prop] += total
    for prop, kinds in counts["outcomes"].items():
        hardening_support.OUTCOMES.setdefault(prop, Counter()).update(kinds)


def pytest_terminal_summary(terminalreporter) -> None:
    import hardening_support

    if not hardening_support.CASES:
        return
    terminalreporter.section("hardening: generated cases per property")
    for prop, total in sorted(hardening_support.CASES.items()):
        kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(hardening_support.OUTCOMES[prop].items()))
        terminalreporter.write_line(f"{prop}: {total} cases ({kinds})")
