"""content/emergency_lexicon.json: valid against its schema, and consistent with the skill."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from back_pain_guide.content import get_content
from back_pain_guide.freeform import detector
from back_pain_guide.safety import CLEAR, load_lexicon

ROOT = Path(__file__).resolve().parents[2]
LEXICON = load_lexicon()


def test_lexicon_matches_its_schema():
    schema = json.loads((ROOT / "content" / "emergency_lexicon.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(LEXICON)


def test_every_rule_names_concepts_that_exist():
    concepts = set(LEXICON["concepts"])
    for sign in LEXICON["signs"]:
        for rule in sign["rules"]:
            assert set(rule["all"]) | set(rule.get("unless", ())) <= concepts, (sign["id"], rule)


def test_every_emergency_question_of_the_checklist_is_answered_by_a_sign():
    """At an emergency question, a description of its sign in the listener's words is a yes."""
    answered = {q for s in LEXICON["signs"] for q in s.get("checklist_questions", [s["id"]])}
    emergency_ids = {q.id for q in get_content().questions if q.is_emergency}
    assert emergency_ids <= answered


def test_every_sample_phrase_is_heard_clearly_as_its_own_sign():
    """The samples become the SymptomType slot values on a device: each must be the emergency it names."""
    for sign in LEXICON["signs"]:
        for sample in sign["samples"]:
            found = detector().detect(sample)
            assert found is not None and found.confidence == CLEAR, (sign["id"], sample, found)


def test_signs_are_in_triage_order_life_threatening_first():
    order = [s["id"] for s in LEXICON["signs"]]
    assert order.index("chest_symptoms") < order.index("bladder_bowel")
    assert order.index("sudden_severe") < order.index("leg_weakness")
