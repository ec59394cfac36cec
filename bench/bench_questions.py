"""Free-form question accuracy and speed on tests/search/eval_questions.json.

    .venv/bin/python bench/bench_questions.py [--console] [--repeat N] [--eval QUESTIONS.json]

Each question goes through ``find_answer`` (emergency detector first, then the ranked
topics), the path QuestionIntent's handler takes. Prints top-1 and top-3 accuracy over the
questions that have a topic, decline precision and recall, emergency recall, median and p99
microseconds per query, wall clock and CPU, with the garbage collector off as timeit does
(the index and the topic model are loaded before timing, and every question asked once; their load times are printed),
and every miss. ``--console``
also sends every question through the console's utterance resolver and the real skill
handler, as a device would (carrier phrases, other intents, fallback), and
reports what the listener was told.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "lambda"))
os.environ.setdefault(
    "BACK_PAIN_GUIDE_DB", str(Path(tempfile.mkdtemp(prefix="bpg-bench-")) / "state.sqlite3")
)

from back_pain_guide import freeform  # noqa: E402
from back_pain_guide.content import get_content  # noqa: E402

EVAL_PATH = ROOT / "tests" / "search" / "eval_questions.json"
DECLINE, EMERGENCY = "decline", "emergency"


@dataclass(frozen=True)
class Case:
    question: str
    topic: str  # a topic id, "decline" or "emergency"
    accepted: frozenset[str]  # topic plus its listed equally good alternatives


@dataclass(frozen=True)
class Outcome:
    case: Case
    answers: tuple[str, ...]  # topic ids best first, or ("emergency",) or ("decline",)


@dataclass(frozen=True)
class Figures:
    top1: float
    top3: float
    answerable: int
    decline_precision: float
    decline_recall: float
    declines: int
    emergency_recall: float
    emergencies: int
    missing_topics: tuple[str, ...]


MISSING_SUBJECTS = ROOT / "tests" / "eval" / "questions" / "missing_subjects.json"


def load_cases(path: Path = EVAL_PATH) -> list[Case]:
    """A JSON set ({"questions": [...]}) or a JSON-lines part of tests/eval/questions. There, a
    question labelled "missing" asks about something the content lacked when the set was written:
    it is answered by the topic missing_subjects.json names for its subject once the content
    has one (the frozen file itself is never edited), and is to be declined until then."""
    if path.suffix == ".jsonl":
        subjects = (
            json.loads(MISSING_SUBJECTS.read_text(encoding="utf-8")) if MISSING_SUBJECTS.exists() else {}
        )
        raw = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            q = json.loads(line)
            if q["topic"] == "missing":
                q["topic"] = subjects.get(q.get("missing_subject", ""), DECLINE)
            raw.append(q)
    else:
        raw = json.loads(path.read_text(encoding="utf-8"))["questions"]
    return [Case(q["q"], q["topic"], frozenset([q["topic"], *q.get("also", [])])) for q in raw]


def direct_answers(question: str) -> tuple[str, ...]:
    """What find_answer makes of a question in a fresh session."""
    found = freeform.find_answer(question)
    if found.emergency is not None:
        return (EMERGENCY,)
    if not found.hits:
        return (DECLINE,)
    return tuple(h.topic.id for h in found.hits)


def console_answers() -> Callable[[str], tuple[str, ...]]:
    """What a listener hears from the whole skill, the question said in a fresh session."""
    from back_pain_guide.local.console import Console, speech_text
    from back_pain_guide.skill import lambda_handler
    from back_pain_guide.speech import Voice

    content = get_content()
    voice = Voice(content, "en-US")
    by_title = {t.title: t.id for t in content.topics.values()}
    emergency_title = voice.write("emergency_card_title")
    declines = {voice.say(k) for k in ("not_understood_question", "unknown_topic", "fallback")}

    def ask(question: str) -> tuple[str, ...]:
        console = Console(lambda_handler, user_id="amzn1.ask.account.bench-questions")
        _, response = console.say(question)
        body = response.get("response") or {}
        title = (body.get("card") or {}).get("title", "")
        speech = speech_text(body.get("outputSpeech"))
        if title == emergency_title:
            return (EMERGENCY,)
        if title in by_title:
            return (by_title[title],)
        if any(speech.startswith(d) for d in declines):
            return (DECLINE,)
        return (f"other: {speech[:60]}",)

    return ask


def evaluate(cases: Iterable[Case], answer: Callable[[str], tuple[str, ...]]) -> list[Outcome]:
    return [Outcome(c, answer(c.question)) for c in cases]


def figures(outcomes: list[Outcome]) -> Figures:
    topical = [o for o in outcomes if o.case.topic not in (DECLINE, EMERGENCY)]
    top1 = sum(o.answers[0] in o.case.accepted for o in topical)
    top3 = sum(bool(set(o.answers[:3]) & o.case.accepted) for o in topical)
    declined = [o for o in outcomes if o.answers[0] == DECLINE]
    should = [o for o in outcomes if o.case.topic == DECLINE]
    emergencies = [o for o in outcomes if o.case.topic == EMERGENCY]
    topics = get_content().topics
    return Figures(
        top1=top1 / len(topical) if topical else 0.0,
        top3=top3 / len(topical) if topical else 0.0,
        answerable=len(topical),
        decline_precision=sum(o.case.topic == DECLINE for o in declined) / len(declined) if declined else 1.0,
        decline_recall=sum(o.answers[0] == DECLINE for o in should) / len(should) if should else 1.0,
        declines=len(should),
        emergency_recall=sum(o.answers[0] == EMERGENCY for o in emergencies) / len(emergencies)
        if emergencies
        else 1.0,
        emergencies=len(emergencies),
        missing_topics=tuple(sorted({o.case.topic for o in topical if o.case.topic not in topics})),
    )


def misses(outcomes: list[Outcome]) -> list[Outcome]:
    return [o for o in outcomes if o.answers[0] not in o.case.accepted]


def timings(cases: list[Case], repeat: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU microseconds per find_answer call, index already built. CPU time
    (this thread's) is what a query costs; wall time also holds whatever else the machine did
    meanwhile. The garbage collector is off while timing, as timeit does."""
    wall, cpu = [], []
    gc.disable()
    try:
        for _ in range(repeat):
            for case in cases:
                start, start_cpu = time.perf_counter_ns(), time.thread_time_ns()
                freeform.find_answer(case.question)
                cpu.append((time.thread_time_ns() - start_cpu) / 1e3)
                wall.append((time.perf_counter_ns() - start) / 1e3)
    finally:
        gc.enable()
    return wall, cpu


def percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"median {statistics.median(ordered):.0f} us, p99 {p99:.0f} us"


def report(name: str, outcomes: list[Outcome], out=sys.stdout, list_misses: bool = True) -> Figures:
    """The figures; and each miss, unless ``list_misses`` is false (a frozen part: a miss read is
    a miss one is tempted to tune on)."""
    f = figures(outcomes)
    out.write(f"\n== {name} ==\n")
    out.write(f"top-1 accuracy     {f.top1:6.1%}  ({f.answerable} questions with a topic)\n")
    out.write(f"top-3 accuracy     {f.top3:6.1%}\n")
    out.write(f"decline precision  {f.decline_precision:6.1%}\n")
    out.write(f"decline recall     {f.decline_recall:6.1%}  ({f.declines} questions to decline)\n")
    out.write(
        f"emergency recall   {f.emergency_recall:6.1%}  ({f.emergencies} questions with emergency words)\n"
    )
    if f.missing_topics:
        out.write(
            f"labels with no topic in the content yet ({len(f.missing_topics)}): {', '.join(f.missing_topics)}\n"
        )
    wrong = misses(outcomes)
    out.write(f"misses ({len(wrong)})" + (":\n" if list_misses else ", not listed for a frozen part\n"))
    for o in wrong if list_misses else ():
        out.write(f"  {o.case.question!r}: expected {o.case.topic}, got {', '.join(o.answers[:3])}\n")
    return f


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--console", action="store_true", help="also run every question through the console, end to end"
    )
    parser.add_argument("--repeat", type=int, default=20, help="timing passes over the evaluation set")
    parser.add_argument("--eval", type=Path, default=EVAL_PATH, help="question set (default: %(default)s)")
    args = parser.parse_args()
    cases = load_cases(args.eval)
    get_content()
    start = time.perf_counter()
    freeform.detector()
    ranker = freeform.index()
    build_ms = (time.perf_counter() - start) * 1e3
    start = time.perf_counter()
    model = ranker.topic_model
    model_ms = (time.perf_counter() - start) * 1e3
    frozen = ".test." in args.eval.name
    report(
        "find_answer (the QuestionIntent handler's path)",
        evaluate(cases, direct_answers),
        list_misses=not frozen,
    )
    wall, cpu = timings(cases, args.repeat)
    print(
        f"\ndetector + index   {build_ms:6.1f} ms (once per cold start, content already loaded: the index "
        "read from search_index.bin, each term decoded when a question first needs it)"
    )
    print(
        f"topic model        {model_ms:6.1f} ms (once per cold start, with the first question: "
        + (
            f"{len(model.model.classes)} classes, {model.model.header['features']} features)"
            if model
            else "absent)"
        )
    )
    print(f"time per query     {percentiles(wall)} wall clock; {percentiles(cpu)} CPU")
    print(
        f"                   ({len(wall)} queries, {len(get_content().topics)} topics; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"
    )
    if args.console:
        report(
            "console, end to end (resolver -> intent -> skill handler)",
            evaluate(cases, console_answers()),
            list_misses=not frozen,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
