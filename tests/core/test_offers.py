"""The typed offer: what the session stores, and what a stale or tampered offer reads back as."""

from __future__ import annotations

from typing import Any

import pytest

from back_pain_guide.offers import MAX_QUESTION_CHARS, Action, Offer

TOPICS = {"sciatica", "heat_and_ice"}


@pytest.mark.parametrize(
    "offer",
    [
        Offer.more(),
        Offer.of_topic("sciatica"),
        Offer.checklist(),
        Offer.resume_checklist(),
        Offer.resume_routine(),
        Offer.confirm_emergency("bladder_bowel", "i can't wee"),
    ],
)
def test_every_offer_survives_the_session(offer: Offer) -> None:
    assert Offer.from_attr(offer.to_attr(), TOPICS) == offer


def test_the_session_format_is_the_one_earlier_versions_wrote() -> None:
    assert Offer.more().to_attr() == {"action": "more"}
    assert Offer.of_topic("sciatica").to_attr() == {"action": "topic", "topic": "sciatica"}
    assert Offer.confirm_emergency("high_fever", "hot and shivery").to_attr() == {
        "action": "confirm_emergency",
        "sign": "high_fever",
        "question": "hot and shivery",
    }


@pytest.mark.parametrize(
    "raw",
    [
        None,
        7,
        "more",
        ["action", "more"],
        {},
        {"action": "dance"},
        {"action": None},
        {"action": "topic"},
        {"action": "topic", "topic": "no_such_topic"},
        {"action": "topic", "topic": ["sciatica"]},
        {"action": "confirm_emergency"},
        {"action": "confirm_emergency", "sign": 3, "question": "x"},
    ],
)
def test_a_tampered_or_unknown_offer_reads_as_no_offer(raw: Any) -> None:
    assert Offer.from_attr(raw, TOPICS) is None


def test_a_confirmation_that_lost_its_question_can_only_escalate() -> None:
    offer = Offer.from_attr({"action": "confirm_emergency", "sign": "leg_weakness", "question": 42}, TOPICS)
    assert offer == Offer(Action.CONFIRM_EMERGENCY, sign="leg_weakness")
    assert offer is not None and not offer.question  # a "no" has nothing to answer: the advice is given


def test_a_kept_question_is_bounded() -> None:
    assert len(Offer.confirm_emergency("leg_weakness", "x" * 5000).question) == MAX_QUESTION_CHARS
