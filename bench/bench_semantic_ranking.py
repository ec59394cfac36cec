"""Would word vectors help the question ranker? (issue #18, point 1: measure the alternatives).

    pip install wordllama            # into any venv that can also import the skill (not a project dependency)
    python bench/bench_semantic_ranking.py [--eval PART.jsonl ...]

For every dev question with a topic, the ranker's own BM25F scores (``TopicIndex._scored``,
what ``find_answer`` ranks by) are blended with the cosine similarity between the question and
each topic in WordLlama's static embeddings (the ``l2_supercat_256`` weights its wheel ships,
so nothing downloads): ``score / max(score) + weight * cosine``. Prints top-1 accuracy per
weight for two topic texts (title and synonyms; the same plus the first two chunks) and for the
vectors alone. Only dev parts by default: a frozen test part is never tuned on.

Last run (the first question set's and the eighth round's dev parts, 457 questions with a
topic): BM25F alone 83.2%; vectors alone 59.7% (titles) and 63.7% (with chunks); the best blend
84.5% (+1.3 points, weight 1.0), within what retuning the word lists moves. Not kept: a gain that
small would not pay for a 256-dimension table in the package and the vector arithmetic in pure
Python on every question (numpy stays out of the function).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "lambda"))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault(
    "BACK_PAIN_GUIDE_DB", str(Path(tempfile.mkdtemp(prefix="bpg-bench-")) / "state.sqlite3")
)

import bench_questions  # noqa: E402

from back_pain_guide.content import get_content  # noqa: E402
from back_pain_guide.freeform import index  # noqa: E402
from back_pain_guide.text import words  # noqa: E402

DEV_PARTS = [
    ROOT / "tests/eval/questions/questions.dev.jsonl",
    ROOT / "tests/eval/questions/round8_questions.dev.jsonl",
]
WEIGHTS = (0.0, 0.3, 0.6, 1.0, 2.0)


def load_wordllama():
    """WordLlama from its own wheel's files (its loader looks for the tokenizer under a cache dir)."""
    import shutil

    import wordllama
    from wordllama import WordLlama

    cache = Path(tempfile.mkdtemp(prefix="wordllama-"))
    (cache / "tokenizers").mkdir()
    shipped = Path(wordllama.__file__).parent / "tokenizers" / "l2_supercat_tokenizer_config.json"
    shutil.copy(shipped, cache / "tokenizers" / shipped.name)
    return WordLlama.load(cache_dir=str(cache), disable_download=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval", type=Path, nargs="+", default=DEV_PARTS)
    args = parser.parse_args()
    try:
        import numpy as np

        model = load_wordllama()
    except ImportError:
        print("wordllama is not installed: pip install wordllama (a measurement tool, not a dependency)")
        return 0
    ranker = index()
    topics = list(get_content().topics.values())
    ids = [t.id for t in topics]
    texts = {
        "title and synonyms": [f"{t.title}. {', '.join(t.synonyms)}" for t in topics],
        "with the first two chunks": [
            f"{t.title}. {', '.join(t.synonyms)}. {' '.join(t.chunks[:2])}" for t in topics
        ],
    }
    cases = [
        c
        for path in args.eval
        for c in bench_questions.load_cases(path)
        if c.topic not in (bench_questions.DECLINE, bench_questions.EMERGENCY)
    ]
    lexical = []
    for case in cases:
        scored = ranker._scored(ranker._query(words(case.question), []), [])
        by_id = {ranker._topics[p].id: s for p, s in enumerate(scored)}
        row = np.array([by_id.get(i, 0.0) for i in ids])
        lexical.append(row / (row.max() or 1.0))
    questions = model.embed([c.question for c in cases], norm=True)
    print(f"{len(cases)} questions with a topic, from {', '.join(p.name for p in args.eval)}")
    for name, docs in texts.items():
        similarity = questions @ model.embed(docs, norm=True).T
        for weight in (*WEIGHTS, None):
            right = sum(
                ids[int(np.argmax(sim if weight is None else lex + weight * sim))] in case.accepted
                for case, lex, sim in zip(cases, lexical, similarity, strict=False)
            )
            label = "vectors alone" if weight is None else f"BM25F + {weight} x cosine"
            print(f"  {name:28} {label:24} top-1 {right / len(cases):.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
