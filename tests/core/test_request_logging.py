"""Request and response log lines: what they say at INFO, that they never hold what the listener
said, and that at the default level their interceptors are not there at all."""

from __future__ import annotations

import logging

import pytest

from back_pain_guide.local.envelopes import Device, slot
from back_pain_guide.skill import build_skill, invoke

SECRET = "why does my lower back hurt when i bend over"


def _question() -> dict:
    return Device(user_id="amzn1.ask.account.logging").intent(
        "QuestionIntent", {"query": slot("query", SECRET, slot_type="AMAZON.SearchQuery")}
    )


def _request_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "back_pain_guide.requests"]


def test_at_info_each_turn_logs_its_kind_but_not_the_words(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="back_pain_guide")
    invoke(build_skill(None), _question())
    assert _request_lines(caplog) == [
        "request type=IntentRequest intent=QuestionIntent locale=en-US",
        "response end_session=False card=True",
    ]
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "bend" not in logged and "lower" not in logged


def test_at_the_default_level_no_turn_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="back_pain_guide")
    skill = build_skill(None)
    caplog.set_level(logging.DEBUG, logger="back_pain_guide")  # too late: decided when the skill was built
    invoke(skill, _question())
    assert _request_lines(caplog) == []
