"""docs/privacy.md stays true: it lists every field the profile store keeps and the real time limits."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from back_pain_guide import region, store

ROOT = Path(__file__).resolve().parents[2]
POLICY = (ROOT / "docs" / "privacy.md").read_text(encoding="utf-8")


def documented_fields() -> set[str]:
    """The field names in the policy's table of what is kept."""
    return set(re.findall(r"^\| `(\w+)` \|", POLICY, re.MULTILINE))


def test_the_policy_lists_exactly_what_the_store_keeps() -> None:
    kept = set(store.PROFILE_FIELDS) | {store.TTL_ATTRIBUTE}
    assert documented_fields() == kept


def test_the_policy_states_the_real_time_limits() -> None:
    assert store.TTL_SECONDS == 365 * 24 * 3600 and "one year after your last visit" in POLICY
    assert region.KNOWN_FOR <= 3600 and "for at most an hour" in POLICY
    template = yaml.safe_load(re.sub(r"!\w+", "", (ROOT / "template.yaml").read_text(encoding="utf-8")))
    days = template["Parameters"]["LogRetentionDays"]["Default"]
    assert f"kept for {days} days" in POLICY


def test_the_policy_says_how_to_delete_and_that_health_answers_are_not_kept() -> None:
    assert "Disabling the skill deletes your record" in POLICY and "SKILL_DISABLED" in POLICY
    assert "Nothing you say about your health or your body is stored" in POLICY
    assert "not a substitute" in POLICY
