"""Shared test set-up: the skill package on sys.path, a private SQLite store, console fixtures."""
from __future__ import annotations

import os
import sys
import tempfile
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "lambda"))
sys.path.insert(0, str(ROOT / "tools"))
# Tests never touch the developer's own state file.
os.environ.setdefault("BACK_PAIN_GUIDE_DB", str(Path(tempfile.mkdtemp(prefix="bpg-test-")) / "state.sqlite3"))

from back_pain_guide.console import Console, speech_text  # noqa: E402
from back_pain_guide.skill import lambda_handler  # noqa: E402


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
