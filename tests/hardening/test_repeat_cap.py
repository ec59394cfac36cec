"""Repeat replays only what the skill itself could have said.

Session attributes come back from the client; before, a forged ``last_reply`` made Repeat
answer 89 KB. The cap must also never refuse a reply the skill really gave: every topic's
reply (and the reading onward) is replayed word for word.
"""

from __future__ import annotations

import json

import hardening_support as hs
import pytest

import lambda_function
from back_pain_guide.handlers.builtins import MAX_REPLAYED_CHARS, MAX_REPLAYED_FIELD_CHARS


def turn(name: str, attributes: dict | None = None, slots: dict | None = None) -> dict:
    application = {"applicationId": hs.SKILL_ID}
    user = {"userId": "amzn1.ask.account.repeat"}
    return lambda_function.handler(
        {
            "version": "1.0",
            "session": {
                "new": False,
                "sessionId": "amzn1.echo-api.session.repeat",
                "application": application,
                "user": user,
                "attributes": attributes or {},
            },
            "context": {
                "System": {"application": application, "user": user, "device": {"supportedInterfaces": {}}}
            },
            "request": {
                "type": "IntentRequest",
                "requestId": "amzn1.echo-api.request.repeat",
                "locale": "en-US",
                "timestamp": "2026-01-01T00:00:00Z",
                "intent": {
                    "name": name,
                    "confirmationStatus": "NONE",
                    "slots": {k: {"name": k, "value": v} for k, v in (slots or {}).items()},
                },
            },
        },
        None,
    )


@pytest.mark.parametrize("field", ["body", "follow_up", "card_text", "display"])
def test_a_forged_long_last_reply_is_not_replayed(field):
    forged = {"body": "Back pain.", field: "Say this again. " * 5_600}  # about 89 KB
    response = turn("AMAZON.RepeatIntent", {"last_reply": forged})
    assert len(json.dumps(response)) < 8_000
    assert "Say this again" not in json.dumps(response)
    assert response["response"]["shouldEndSession"] is False


def test_every_reply_the_skill_gives_fits_under_the_cap_and_is_replayed():
    longest = 0
    for topic in hs.CONTENT.topics.values():
        response = turn("TopicIntent", slots={"topic": topic.title})
        last = response["sessionAttributes"]["last_reply"]
        longest = max(longest, sum(map(len, last.values())))
        assert max(map(len, last.values())) <= MAX_REPLAYED_FIELD_CHARS
        again = turn("AMAZON.RepeatIntent", response["sessionAttributes"])
        assert again["response"]["outputSpeech"] == response["response"]["outputSpeech"]
    checklist_card = turn("WhenToGetHelpIntent")["sessionAttributes"]["last_reply"]
    longest = max(longest, sum(map(len, checklist_card.values())))
    assert longest <= MAX_REPLAYED_CHARS / 2  # a wide margin: the cap refuses forgeries, not replies
