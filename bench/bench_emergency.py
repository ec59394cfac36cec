"""Emergency recall and false alarms on the evaluation sets in tests/eval/emergency/.

    .venv/bin/python bench/bench_emergency.py [--part dev|test|all] [--route handler|console|both] [--misses]

Every utterance is said in its own context, as a listener would:
- ``one-shot``: "ask back pain guide ..." (a new session, the words straight to the skill);
- ``in-session``: after "open back pain guide";
- ``mid-checklist``: after "check my symptoms", at the checklist question of the sign described
  when there is one (the first question otherwise); a near-miss at every question in turn, its
  worst outcome counted ("no, he's peeing fine" must not alarm at the bladder question).

Two routes:
- ``handler``: the whole utterance in StatementIntent's slot, straight to the skill's handler
  (what the detector can do with every word, a question's words included);
- ``console``: the console's resolver picks the intent and slots from the interaction model, as
  a device would (carrier phrases take words away, unmatched speech falls back), then the handler.

Outcomes: the emergency advice at once; a confirming question ("Just to check: ..."), which a
"yes" turns into the advice; anything else. Recall counts the advice (at once, or after the
confirming question); a false alarm is the advice on a near-miss (a confirming question on a
near-miss is counted apart, as a question asked). Also printed: how many words each emergency
reply speaks before the emergency number (the rule is at most twelve).
The dev part is what the detector was tuned on; the test part was frozen before tuning
(tests/eval/README.md): only its figures are a result.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import statistics
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "lambda"))
os.environ.setdefault(
    "BACK_PAIN_GUIDE_DB", str(Path(tempfile.mkdtemp(prefix="bpg-bench-")) / "state.sqlite3")
)

from back_pain_guide.content import get_content  # noqa: E402
from back_pain_guide.local.console import Console, speech_text  # noqa: E402
from back_pain_guide.local.envelopes import slot  # noqa: E402
from back_pain_guide.skill import lambda_handler  # noqa: E402
from back_pain_guide.text import words  # noqa: E402

EVAL_DIR = ROOT / "tests" / "eval" / "emergency"
CONTENT = get_content()
QUESTION_IDS = [q.id for q in CONTENT.questions]
ADVICE, CONFIRMED, ASKED, OTHER = "advice", "confirmed", "asked", "other"


class Case(NamedTuple):
    text: str
    locale: str
    label: str  # the sign, or the near-miss kind
    emergency: bool
    context: str
    source_file: str


class Outcome(NamedTuple):
    case: Case
    result: str  # ADVICE, CONFIRMED (advice after "yes"), ASKED (confirming question, near-miss), OTHER
    words_before_number: int | None
    heard: str


def load_cases(part: str) -> list[Case]:
    cases = []
    for path in sorted(EVAL_DIR.glob(f"*.{part}.jsonl")):
        emergency = "emergencies" in path.name
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                cases.append(
                    Case(
                        row["text"],
                        row["locale"],
                        row["sign"] if emergency else row["kind"],
                        emergency,
                        row["context"],
                        path.name,
                    )
                )
    return cases


def _speech(response: dict[str, Any]) -> str:
    return speech_text((response.get("response") or {}).get("outputSpeech"))


def _ended(response: dict[str, Any]) -> bool:
    return (response.get("response") or {}).get("shouldEndSession") is True


def words_before(speech: str, number: str) -> int | None:
    spoken, target = list(words(speech)), list(words(number))
    for position in range(len(spoken) - len(target) + 1):
        if spoken[position : position + len(target)] == target:
            return position
    return None


def _is_advice(speech: str, response: dict[str, Any], number: str) -> bool:
    return _ended(response) and number in speech and "Alexa can't make the call" in speech


@cache
def _waiting_at(locale: str, question: int) -> Console:
    """A console whose checklist waits at question ``question`` (copied for each case: the
    same turns every time, said once)."""
    console = Console(lambda_handler, locale=locale)
    console.say("open back pain guide")
    console.say("check my symptoms")
    for _ in range(question):
        console.say("no")
    return console


def run_case(case: Case, route: str, at_question: int | None = None) -> Outcome:
    """One utterance in its context; mid-checklist, at the question of its sign (the first one
    for a sign no question asks about), or at question ``at_question``."""
    number = CONTENT.locale(case.locale).emergency_number_speech
    if case.context == "mid-checklist":
        target = QUESTION_IDS.index(case.label) if case.label in QUESTION_IDS else 0
        console = copy.copy(_waiting_at(case.locale, target if at_question is None else at_question))
        console.device = copy.deepcopy(console.device)  # the session; the resolver is shared
    else:
        console = Console(lambda_handler, locale=case.locale)
    if case.context == "in-session":
        console.say("open back pain guide")
    if route == "console":
        text = case.text if case.context != "one-shot" else f"ask back pain guide {case.text}"
        _, response = console.say(text)
    else:
        if case.context == "one-shot":
            console.device.end_session()
        envelope = console.device.intent(
            "StatementIntent", {"query": slot("query", case.text, slot_type="AMAZON.SearchQuery")}
        )
        response = console.send(envelope)
    speech = _speech(response)
    if _is_advice(speech, response, number):
        return Outcome(case, ADVICE, words_before(speech, number), speech)
    if speech.startswith("Just to check"):
        if not case.emergency:
            return Outcome(case, ASKED, None, speech)
        _, response = console.say("yes")
        speech = _speech(response)
        if _is_advice(speech, response, number):
            return Outcome(case, CONFIRMED, words_before(speech, number), speech)
    return Outcome(case, OTHER, None, speech)


def set_of(case: Case) -> str:
    """The round a line was written in: "first" for emergencies.*/near_misses.*, else the file's prefix."""
    prefix = case.source_file.split("_")[0] if "_" in case.source_file.split(".")[0] else "first"
    return "first" if prefix in ("emergencies", "near") else prefix


def share(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * part / whole:.1f}%)" if whole else "-"


def report(title: str, outcomes: list[Outcome], show_misses: bool, out=sys.stdout) -> dict[str, float]:
    emergencies = [o for o in outcomes if o.case.emergency]
    near = [o for o in outcomes if not o.case.emergency]
    heard = [o for o in emergencies if o.result in (ADVICE, CONFIRMED)]
    at_once = [o for o in emergencies if o.result == ADVICE]
    alarms = [o for o in near if o.result == ADVICE]
    asked = [o for o in near if o.result == ASKED]
    out.write(f"\n== {title}\n")
    out.write(
        f"recall: {share(len(heard), len(emergencies))}  (at once {share(len(at_once), len(emergencies))}, "
        f"after one confirming question {len(heard) - len(at_once)})\n"
    )
    out.write(
        f"false alarms: {share(len(alarms), len(near))}  (confirming questions asked on near-misses: "
        f"{share(len(asked), len(near))})\n"
    )
    before = [o.words_before_number for o in heard if o.words_before_number is not None]
    if before:
        out.write(
            f"words before the number: max {max(before)}, median {statistics.median(before):g} "
            f"({sum(b <= 12 for b in before)}/{len(before)} within twelve)\n"
        )
    for key, label in (
        ("set", "per set (the round it was written in)"),
        ("label", "per sign / kind"),
        ("locale", "per locale"),
        ("context", "per context"),
    ):
        groups: dict[str, list[Outcome]] = defaultdict(list)
        for o in outcomes:
            groups[set_of(o.case) if key == "set" else getattr(o.case, key)].append(o)
        out.write(f"  {label}:\n")
        for name in sorted(groups):
            rows = groups[name]
            e = [o for o in rows if o.case.emergency]
            n = [o for o in rows if not o.case.emergency]
            parts = []
            if e:
                parts.append(f"recall {share(sum(o.result in (ADVICE, CONFIRMED) for o in e), len(e))}")
            if n:
                parts.append(f"false alarms {share(sum(o.result == ADVICE for o in n), len(n))}")
            out.write(f"    {name:22} {'; '.join(parts)}\n")
    if show_misses:
        for o in emergencies:
            if o.result == OTHER:
                out.write(
                    f"  MISSED [{o.case.label}, {o.case.context}] {o.case.text!r} -> {o.heard[:90]!r}\n"
                )
        for o in alarms:
            out.write(f"  ALARM  [{o.case.label}, {o.case.context}] {o.case.text!r}\n")
    return {
        "recall": len(heard) / max(len(emergencies), 1),
        "false_alarms": len(alarms) / max(len(near), 1),
        "max_words_before_number": max(before) if before else 0,
    }


_WORST_FIRST = (ADVICE, ASKED, CONFIRMED, OTHER)


def run_near_miss_everywhere(case: Case, route: str) -> Outcome:
    """A near-miss said mid-checklist is said at every question ("no, he's peeing fine" must not
    alarm at the bladder question, nor anywhere else); its outcome is the worst of them."""
    outcomes = [run_case(case, route, at_question=n) for n in range(len(QUESTION_IDS))]
    return min(outcomes, key=lambda o: _WORST_FIRST.index(o.result))


def evaluate(cases: Iterable[Case], route: str) -> list[Outcome]:
    return [
        run_near_miss_everywhere(case, route)
        if case.context == "mid-checklist" and not case.emergency
        else run_case(case, route)
        for case in cases
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=("dev", "test", "all"), default="all")
    parser.add_argument("--route", choices=("handler", "console", "both"), default="both")
    parser.add_argument(
        "--misses", action="store_true", help="list every miss and false alarm (dev part only)"
    )
    args = parser.parse_args(argv)
    parts = ("dev", "test") if args.part == "all" else (args.part,)
    routes = ("handler", "console") if args.route == "both" else (args.route,)
    for part in parts:
        cases = load_cases(part)
        kinds = Counter("emergency" if c.emergency else "near-miss" for c in cases)
        print(
            f"\n#### {part} part: {kinds['emergency']} emergencies, {kinds['near-miss']} near-misses "
            f"({'tuned on' if part == 'dev' else 'frozen, never tuned on'})"
        )
        for route in routes:
            report(f"{part}, {route}", evaluate(cases, route), args.misses and part == "dev")
    return 0


if __name__ == "__main__":
    sys.exit(main())
