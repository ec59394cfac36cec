#!/usr/bin/env python3
"""Trains the learned topic model for free-form questions: lambda/back_pain_guide/generated/topic_model.bin.

Trained only on what the ranker may be tuned on: the dev parts of tests/eval/questions/ (each
question labelled with its topic, a ``missing`` one with the topic missing_subjects.json names for
its subject or ``decline``, a question to decline ``decline``), plus the content's own words
(content/back_pain.json: each topic's title, synonyms, example questions and every sentence of its
chunks and treatment, labelled with the topic). The frozen test parts are never read. Features
come from ``back_pain_guide.topic_model.features``, with the ranker's analyzer.

scikit-learn's multinomial logistic regression, then weights below ``PRUNE`` dropped and the rest
rounded, so only a compact table ships and scoring needs no numpy. How the ranker blends it
(``search.MODEL_*``) was chosen with leave-one-round-out runs on the dev rounds: each round scored
through ``find_answer`` by a model trained without it, as a fresh phrasing would be (`--report`
prints them for a grid of blends).

The file records a checksum of its inputs (the training sets, the content, the lexicon, the stem
table, the ranker's code, this script and the feature code); `--check` (run by the tests) exits 1
when they have changed since it was trained.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "lambda" / "back_pain_guide"
TARGET = PACKAGE / "generated" / "topic_model.bin"
QUESTIONS = ROOT / "tests" / "eval" / "questions"
MISSING_SUBJECTS = QUESTIONS / "missing_subjects.json"
CONTENT = ROOT / "content" / "back_pain.json"
C = 4.0  # inverse regularisation strength
MIN_COUNT = 2  # a feature must occur in at least this many training lines
PRUNE = 0.1  # weights smaller than this are dropped (leave-one-round-out: 0.05 kept 51,000, 0.1 keeps 31,000 within 0.1 point)
ROW_MIN = 0.25  # a feature none of whose weights reaches this is dropped: 0.4 kept a third of them but cost 2 points
# of leave-one-round-out accuracy; 0.25 keeps about two thirds, within half a point of all of them
CONTENT_ROUND = "content"
sys.path.insert(0, str(ROOT / "lambda"))

from generated_files import check_recorded  # noqa: E402

from back_pain_guide import freeform, search  # noqa: E402
from back_pain_guide.content import get_content  # noqa: E402
from back_pain_guide.linear_model import to_bytes  # noqa: E402
from back_pain_guide.search import LEXICON_PATH, Analyzer, Lexicon  # noqa: E402
from back_pain_guide.text import STEMS_PATH, words  # noqa: E402
from back_pain_guide.topic_model import DECLINE, TopicModel, features  # noqa: E402


class Line(NamedTuple):
    round: str  # the dev round it comes from, or CONTENT_ROUND
    words: tuple[str, ...]  # text.words of the question or sentence
    label: str  # a topic id or DECLINE
    accepted: frozenset[str]  # the label and the topics that answer it equally well


def training_files() -> list[Path]:
    return sorted(QUESTIONS.glob("*.dev.jsonl"))


def inputs_checksum() -> str:
    digest = hashlib.sha256()
    code = [PACKAGE / name for name in ("topic_model.py", "search.py", "text.py", "linear_model.py")]
    for path in [*training_files(), MISSING_SUBJECTS, CONTENT, Path(LEXICON_PATH), Path(STEMS_PATH), *code]:
        path = path.resolve()
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()


def question_lines() -> list[Line]:
    subjects = json.loads(MISSING_SUBJECTS.read_text(encoding="utf-8"))
    rows = []
    for path in training_files():
        round_name = re.sub(r"_?questions$", "", path.name.split(".")[0]) or "first"
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            label = item["topic"]
            if label == "missing":
                label = subjects.get(item.get("missing_subject", ""), DECLINE)
            rows.append(Line(round_name, words(item["q"]), label, frozenset([label, *item.get("also", ())])))
    return rows


def content_lines() -> list[Line]:
    lines = []
    for topic in get_content().topics.values():
        texts = [topic.title, *topic.synonyms, *topic.questions]
        texts += [s for chunk in (*topic.chunks, *topic.treatment) for s in re.split(r"(?<=[.?!])\s+", chunk)]
        lines += [Line(CONTENT_ROUND, words(t), topic.id, frozenset([topic.id])) for t in texts if t.strip()]
    return lines


def render(rows: Sequence[Line], analyzer: Analyzer) -> bytes:
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = CountVectorizer(
        analyzer=lambda question: list(features(analyzer, question)),
        binary=True,
        min_df=MIN_COUNT,
        lowercase=False,
    )
    matrix = vectorizer.fit_transform([r.words for r in rows])
    model = LogisticRegression(C=C, max_iter=5000).fit(matrix, [r.label for r in rows])
    weights = {
        feature: [round(float(w), 3) if abs(w) >= PRUNE else 0.0 for w in model.coef_[:, column]]
        for feature, column in vectorizer.vocabulary_.items()
    }
    return to_bytes(
        [str(c) for c in model.classes_],
        model.intercept_,
        {feature: row for feature, row in weights.items() if max(map(abs, row)) >= ROW_MIN},
        about="generated by tools/train_topic_model.py from the dev question sets and the content; do not edit",
        inputs=inputs_checksum(),
        # the search index's own inputs: the ranker uses the model only beside that very index
        index_inputs=search.inputs_checksum(get_content()),
    )


GRID = {
    "MODEL_WEIGHT": (0.6, 0.7, 0.8, 0.9),
    "MODEL_ALONE": (0.3, 0.4, 0.5),
    "MODEL_DECLINE": (0.6, 0.7),
    "MODEL_RERANK": (5, 10),
    "MODEL_DECLINE_LEXICAL": (4.0,),
    "MODEL_OVERRULES_OFF_TOPIC": (0.8,),
}


def score(held: Sequence[Line]) -> tuple[int, int, int, int, int]:
    """(topics right, topical questions, declines right, to decline, declined) through find_answer."""
    right = topical = declined_right = to_decline = declined = 0
    for line in held:
        found = freeform.find_answer(" ".join(line.words))
        answer = (
            "emergency" if found.emergency is not None else found.hits[0].topic.id if found.hits else DECLINE
        )
        declined += answer == DECLINE
        if line.label == DECLINE:
            to_decline += 1
            declined_right += answer == DECLINE
        else:
            topical += 1
            right += answer in line.accepted
    return right, topical, declined_right, to_decline, declined


def report(questions: list[Line], extra: list[Line], grid: dict[str, tuple[float, ...]]) -> None:
    """Leave-one-round-out: each dev round answered through find_answer with a model trained
    without it, for every blend in the grid; the lexical ranker alone first."""
    analyzer = Analyzer(Lexicon.load(get_content()))
    index = freeform.index()
    rounds = sorted({line.round for line in questions})
    models = {}
    for held in rounds:
        models[held] = TopicModel(render([q for q in questions if q.round != held] + extra, analyzer))
        print(f"trained without {held}", file=sys.stderr, flush=True)
    by_round = {held: [q for q in questions if q.round == held] for held in rounds}

    def run(label: str, use_model: bool) -> None:
        totals = [0, 0, 0, 0, 0]
        cells = []
        for held in rounds:
            index.__dict__["topic_model"] = models[held] if use_model else None
            figures = score(by_round[held])
            totals = [a + b for a, b in zip(totals, figures, strict=True)]
            cells.append(f"{held} {figures[0] / figures[1]:.1%}")
        right, topical, declined_right, to_decline, declined = totals
        print(
            f"{label:40} top-1 {right / topical:6.1%}  declines recall {declined_right / to_decline:6.1%}"
            f" precision {declined_right / max(declined, 1):6.1%}  all {(right + declined_right) / (topical + to_decline):6.1%}"
            f"  | {', '.join(cells)}",
            flush=True,
        )

    run("lexical alone", use_model=False)
    names = list(grid)
    saved = {name: getattr(search, name) for name in names}
    for values in itertools.product(*grid.values()):
        for name, value in zip(names, values, strict=True):
            setattr(search, name, value)
        run(" ".join(f"{n.split('_')[1].lower()}={v}" for n, v in zip(names, values, strict=True)), True)
    for name, value in saved.items():
        setattr(search, name, value)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the model is older than its inputs")
    parser.add_argument(
        "--report",
        action="store_true",
        help="print leave-one-round-out figures for a grid of blends; write nothing",
    )
    parser.add_argument(
        "--shipped", action="store_true", help="with --report: only the blend search.py ships"
    )
    args = parser.parse_args()
    if args.check:
        recorded = TopicModel(TARGET.read_bytes()).model.header.get("inputs") if TARGET.exists() else None
        return check_recorded(recorded, inputs_checksum(), TARGET, "make topic-model")
    questions, extra = question_lines(), content_lines()
    if args.report:
        report(questions, extra, {n: (getattr(search, n),) for n in GRID} if args.shipped else GRID)
        return 0
    TARGET.write_bytes(render(questions + extra, Analyzer(Lexicon.load(get_content()))))
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
