#!/usr/bin/env python3
"""Trains the learned second opinion on warning signs: lambda/back_pain_guide/generated/sign_model.bin.

Trained only on what the detector may be tuned on: the dev parts of tests/eval/emergency/
(each emergency labelled with its sign, each near-miss ``none``) and tests/eval/questions/
(every question ``none``), plus the interaction model's sample utterances of intents that carry
no emergency and the ordinary questions of tests/search/eval_questions.json (``none``). The
frozen test parts are never read. Words are normalised as the detector normalises them;
features come from ``back_pain_guide.sign_model.features``.

scikit-learn's multinomial logistic regression, then weights below ``PRUNE`` dropped and the rest
rounded, so only a compact table ships and scoring needs no numpy. The threshold on the chance of
"some sign" comes from leave-one-round-out runs on the dev rounds (each round scored by a model
that never saw it, as a fresh phrasing would be): the lowest that keeps confirming questions on
near-misses of unseen rounds near 3% and on ordinary questions under 1% (`--report` prints them).

The file records a checksum of its inputs (the training sets, the lexicon, this script and the
feature code); `--check` (run by the tests) exits 1 when they have changed since it was trained.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "lambda" / "back_pain_guide"
TARGET = PACKAGE / "generated" / "sign_model.bin"
EVAL = ROOT / "tests" / "eval"
LEXICON = ROOT / "content" / "emergency_lexicon.json"
MODEL_SOURCE = ROOT / "interaction_model" / "source" / "model.json"
# The project's older question set (tuned on, never frozen): its emergencies by their sign's
# words are left out, its ordinary questions are "none".
OLDER_QUESTIONS = ROOT / "tests" / "search" / "eval_questions.json"
NO_EMERGENCY_INTENTS = (
    "CausesIntent",
    "RemediesIntent",
    "DiagnosisIntent",
    "WhenToGetHelpIntent",
    "TopicIntent",
    "ChecklistIntent",
    "UnsureIntent",
    "QuestionIntent",
    "ExerciseIntent",
    "SlowerIntent",
)
C = 4.0  # inverse regularisation strength (leave-one-round-out: 1.0 to 8.0 within half a point)
MIN_COUNT = 2  # a feature must occur in at least this many training lines
PRUNE = 0.05  # weights smaller than this are dropped (halves the table, recall within 0.1 point)
THRESHOLD = 0.5
# Where the rules ruled a sign out (its words denied, in the past or only asked about), the model
# overrules them only above this: leave-one-round-out, 4 of 1,344 such near-misses reach it (8 at
# 0.95, where "my legs are not weak" came to 0.96 once the eighth question round was learned).
OVERRULE_THRESHOLD = 0.98
sys.path.insert(0, str(ROOT / "lambda"))

from generated_files import check_recorded  # noqa: E402

from back_pain_guide.linear_model import to_bytes  # noqa: E402
from back_pain_guide.safety import EmergencyDetector, load_lexicon  # noqa: E402
from back_pain_guide.sign_model import NONE, SignModel, features  # noqa: E402
from back_pain_guide.text import words  # noqa: E402


def training_files() -> list[Path]:
    return sorted((EVAL / "emergency").glob("*.dev.jsonl")) + sorted((EVAL / "questions").glob("*.dev.jsonl"))


def inputs_checksum() -> str:
    digest = hashlib.sha256()
    for path in [
        *training_files(),
        OLDER_QUESTIONS,
        LEXICON,
        MODEL_SOURCE,
        Path(__file__),
        PACKAGE / "sign_model.py",
        PACKAGE / "linear_model.py",
        PACKAGE / "safety.py",  # its normalisation shapes the words the model reads
    ]:
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def sample_utterances() -> list[str]:
    """Sample utterances without slots of the intents that never carry an emergency."""
    model = json.loads(MODEL_SOURCE.read_text(encoding="utf-8"))
    found: list[str] = []

    def walk(value: object, intent: str | None = None) -> None:
        if isinstance(value, dict):
            name = value.get("name")
            here = name if isinstance(name, str) and name in NO_EMERGENCY_INTENTS else intent
            for key, item in value.items():
                if key == "samples" and here and isinstance(item, list):
                    found.extend(s for s in item if isinstance(s, str) and "{" not in s)
                else:
                    walk(item, here)
        elif isinstance(value, list):
            for item in value:
                walk(item, intent)

    walk(model)
    return sorted(set(found))


def labelled_lines() -> list[tuple[str, tuple[str, ...], str]]:
    """(round, normalised words, label) for every training line."""
    detector = EmergencyDetector(load_lexicon())
    rows = []
    for path in training_files():
        round_name = re.sub(r"_?(emergencies|near_misses|questions)$", "", path.name.split(".")[0]) or "first"
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            text = item.get("text", item.get("q", ""))
            rows.append((round_name, detector._normalised(words(text)), item.get("sign", NONE)))
    rows += [("samples", detector._normalised(words(s)), NONE) for s in sample_utterances()]
    older = json.loads(OLDER_QUESTIONS.read_text(encoding="utf-8"))["questions"]
    rows += [("older", detector._normalised(words(q["q"])), NONE) for q in older if q["topic"] != "emergency"]
    return rows


def fit(rows: list[tuple[str, tuple[str, ...], str]]):  # type: ignore[no-untyped-def]
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = CountVectorizer(analyzer=features, binary=True, min_df=MIN_COUNT, lowercase=False)
    matrix = vectorizer.fit_transform([r[1] for r in rows])
    model = LogisticRegression(C=C, max_iter=5000).fit(matrix, [r[2] for r in rows])
    return vectorizer, model


def render(rows: list[tuple[str, tuple[str, ...], str]]) -> bytes:
    vectorizer, model = fit(rows)
    weights = {
        feature: [round(float(w), 3) if abs(w) >= PRUNE else 0.0 for w in model.coef_[:, column]]
        for feature, column in vectorizer.vocabulary_.items()
    }
    return to_bytes(
        [str(c) for c in model.classes_],
        model.intercept_,
        {feature: row for feature, row in weights.items() if any(row)},
        about="generated by tools/train_sign_model.py from the dev evaluation sets; do not edit",
        inputs=inputs_checksum(),
        threshold=THRESHOLD,
        overrule_threshold=OVERRULE_THRESHOLD,
    )


def report(rows: list[tuple[str, tuple[str, ...], str]]) -> None:
    """Leave-one-round-out: each emergency round scored by a model trained without it."""
    rounds = sorted({r[0] for r in rows if r[2] != NONE})
    for threshold in (0.3, 0.4, 0.5, 0.6, 0.7):
        print(f"threshold {threshold}:")
        totals = [0, 0, 0, 0, 0, 0]
        for held in rounds:
            kept = [r for r in rows if r[0] != held]
            model = SignModel(render(kept))
            model.threshold = threshold
            out = [r for r in rows if r[0] == held]
            emergencies = [model.guess(r[1]).sign != NONE for r in out if r[2] != NONE]
            near = [model.guess(r[1]).sign != NONE for r in out if r[2] == NONE]
            totals[0] += sum(emergencies)
            totals[1] += len(emergencies)
            totals[2] += sum(near)
            totals[3] += len(near)
            print(
                f"  {held:10} found {sum(emergencies)}/{len(emergencies)}  near-misses asked {sum(near)}/{len(near)}"
            )
        print(
            f"  all: found {totals[0] / totals[1]:.1%}, near-misses asked {totals[2] / max(totals[3], 1):.1%}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the model is older than its inputs")
    parser.add_argument(
        "--report", action="store_true", help="print leave-one-round-out figures; write nothing"
    )
    args = parser.parse_args()
    if args.check:
        recorded = SignModel(TARGET.read_bytes()).model.header.get("inputs") if TARGET.exists() else None
        return check_recorded(recorded, inputs_checksum(), TARGET, "make sign-model")
    rows = labelled_lines()
    if args.report:
        report(rows)
        return 0
    TARGET.write_bytes(render(rows))
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
