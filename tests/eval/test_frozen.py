"""The frozen test parts of the evaluation sets never change once written (tests/eval/README.md).

A figure from a set that was tuned on is not a result: the test parts were split off before any
tuning (emergency set frozen at commit f1df473, question set at 4759f83; the eighth, eleventh,
fourteenth and fifteenth emergency rounds, and the eighth, twelfth and thirteenth question rounds,
each written by a fresh helper and split the same way, at the commits that added round8_*,
round11_*, round14_*, round15_*, round12_questions.* and round13_questions.*) and are only ever run.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

HERE = Path(__file__).parent
FROZEN = {
    "emergency/emergencies.test.jsonl": "6556f5232603fb998a1af1b5bc6b1f9fbc25cc37fce592717501ebd3ee5867f2",
    "emergency/near_misses.test.jsonl": "acfb274154a4c7cb50ce222c130633fbcde2e32469150696a243ccf9e4fcedf5",
    "emergency/round8_emergencies.test.jsonl": "041011f541fed53614b9f76fbd822ec4d7ad1268ec4074fe65e57872d7118cd1",
    "emergency/round8_near_misses.test.jsonl": "f5a50319d741f751a4c35aa95f84be930789c627ccd132dc909477b3125172c2",
    "emergency/round11_emergencies.test.jsonl": "455232b7f3325b8037ea6374b7ae837d52e06fc3003d663413e8e83aaad4bfd4",
    "emergency/round11_near_misses.test.jsonl": "97c63395196bd80f4ad027425b9b0fe72e11b611422e09de04dc0a0809f0a66e",
    "emergency/round14_emergencies.test.jsonl": "f96355a518f828a925a1281ee60d3eba8a3b42a8f24f8f73123bfb0224d4490a",
    "emergency/round15_emergencies.test.jsonl": "a3c20d0fde3d133034e3f89c41fed8678744d58316c2c194d9e3f645d03cc247",
    "emergency/round15_near_misses.test.jsonl": "73e829c1973f6b05b3f51bac794d5dff15dfac560385d8a9f5411b95e49fbf81",
    "emergency/round14_near_misses.test.jsonl": "b72b869c7aa0e96e5015e70dc095948b4249939da68ca5f41298512d8492ccba",
    "questions/round8_questions.test.jsonl": "498d574da23041f321d8385295edc373eece3baa61d4c4fb7e8cb31e4c23e8bc",
    "questions/round13_questions.test.jsonl": "5218559b8d785cdef2129deeca3600bf6b73b03ae5856b3237b1e89697143683",
    "questions/round12_questions.test.jsonl": "a6162ed183371da1b71484301e0dcdef0321d18e7a8f6406615c3bf31e81ec41",
    "questions/questions.test.jsonl": "4f8c0af588a89b3f7c610383ae80f8e02aabd9c55ae57feef1990325f1582481",
}


@pytest.mark.parametrize("name, digest", sorted(FROZEN.items()))
def test_frozen_test_part_is_unchanged(name, digest):
    assert hashlib.sha256((HERE / name).read_bytes()).hexdigest() == digest, (
        f"{name} was edited after it was frozen"
    )


def test_no_other_test_part_appears_unfrozen():
    found = {str(p.relative_to(HERE)) for p in HERE.rglob("*.test.jsonl")}
    assert found == set(FROZEN)
