"""The first free-form question of a cold start at today's content size and at a multiple of it.

    .venv/bin/python bench/bench_index_scale.py [--times 1 10] [--runs 7]

For each size, the function is staged as `sam build` lays it out (the package, lambda_function.py
and content/ beside them) in a temporary folder, with synthetic content (bench/synthetic_content.py:
every topic copied, about half its words swapped for made-up ones in each copy). The staging does
what the build does for real content: validates it once and records its checksum (as
tools/build_validators.py does) and precomputes the index (as tools/build_index.py does). Then
fresh interpreters (as on Lambda: the runtime's own imports first) each answer one free-form
question through the handler, timing the content load, the index load (``freeform.index()``:
import, lexicon, file), the two learned models' load (``sign_model``, ``topic_model``) and the
whole first turn, with the process's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "lambda"))

from synthetic_content import write_content  # noqa: E402

QUESTION = "why does my lower back hurt when i bend over"
LAMBDA_RUNTIME_IMPORTS = "import importlib, json, logging, os, sys, time, traceback"

# Validates the staged content, records its checksum and writes its index, in the staged package.
STAGE_SCRIPT = """
import re, sys
sys.path.insert(0, sys.argv[1])
from back_pain_guide import content, search
loaded = content.load_content(trust_build=False)  # validated against the schema, as the build does
folder = content.paths.content_dir()
checksums = {name: content.content_checksum(content._read_text(f"{folder}/{name}.schema.json"),
                                            content._read_text(f"{folder}/{name}.json"))
             for name in ("back_pain", "prompts")}
init = sys.argv[1] + "/back_pain_guide/generated/validators/__init__.py"
text = open(init, encoding="utf-8").read()
open(init, "w", encoding="utf-8").write(re.sub(r"VALIDATED = .*", "VALIDATED = " + repr(checksums), text))
tables = search.build_tables(list(loaded.topics.values()), search.Analyzer(search.Lexicon.load(loaded)))
with open(search.INDEX_PATH, "wb") as file:
    file.write(tables.to_bytes(search.inputs_checksum(loaded)))
"""

FIRST_QUESTION_SCRIPT = (
    LAMBDA_RUNTIME_IMPORTS
    + """
import json, resource, sys, time
event = json.loads(sys.argv[2])
sys.path.insert(0, sys.argv[1])
started = time.perf_counter()
import lambda_function
from back_pain_guide.content import get_content
from back_pain_guide import freeform
imported = time.perf_counter()
get_content()
content_loaded = time.perf_counter()
freeform.index()
index_loaded = time.perf_counter()
from back_pain_guide.sign_model import sign_model
sign_model()
freeform.index().topic_model
models_loaded = time.perf_counter()
answer = lambda_function.handler(event, None)
answered = time.perf_counter()
assert "<speak>" in answer["response"]["outputSpeech"]["ssml"], answer
try:  # this process's own peak: ru_maxrss keeps the peak of the parent copied by fork, before exec
    with open("/proc/self/status", encoding="ascii") as status:
        peak = int(next(line for line in status if line.startswith("VmHWM:")).split()[1])
except OSError:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"content": content_loaded - imported, "index": index_loaded - content_loaded,
                  "models": models_loaded - index_loaded, "turn": answered - started, "rss_kb": peak}))
"""
)


def stage(folder: Path, times: int) -> Path:
    """The function as `sam build` lays it out, with content ``times`` as big, validated and indexed."""
    shutil.copytree(
        ROOT / "lambda" / "back_pain_guide",
        folder / "back_pain_guide",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    shutil.copy(ROOT / "lambda" / "lambda_function.py", folder)
    write_content(ROOT / "content", folder / "content", times)
    subprocess.run([sys.executable, "-c", STAGE_SCRIPT, str(folder)], check=True, env=_env())
    return folder


def _env() -> dict[str, str]:
    import os

    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("BACK_PAIN_GUIDE_", "AWS_"))
    }
    env.update(LOG_LEVEL="WARNING", SETUPTOOLS_USE_DISTUTILS="stdlib")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def first_question(folder: Path, runs: int) -> dict[str, float]:
    """Medians over ``runs`` fresh interpreters (after one that leaves bytecode) of the first
    question's figures: content and index load, whole turn (ms), peak RSS (MiB)."""
    from back_pain_guide.local.envelopes import Device, slot

    event = json.dumps(
        Device(user_id="amzn1.ask.account.scale").intent(
            "QuestionIntent", {"query": slot("query", QUESTION, slot_type="AMAZON.SearchQuery")}
        )
    )
    samples = []
    with tempfile.TemporaryDirectory() as state:
        env = dict(_env(), BACK_PAIN_GUIDE_DB=str(Path(state) / "state.sqlite3"))
        for run in range(runs + 1):
            output = subprocess.run(
                [sys.executable, "-c", FIRST_QUESTION_SCRIPT, str(folder), event],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            if run:
                samples.append(json.loads(output.splitlines()[-1]))
    figures = {
        key: statistics.median(s[key] for s in samples) * 1000
        for key in ("content", "index", "models", "turn")
    }
    figures["rss_mib"] = statistics.median(s["rss_kb"] for s in samples) / 1024
    figures["index_file_kib"] = (
        folder / "back_pain_guide" / "generated" / "search_index.bin"
    ).stat().st_size / 1024
    figures["topics"] = len(
        json.loads((folder / "content" / "back_pain.json").read_text(encoding="utf-8"))["topics"]
    )
    return figures


def measure(sizes: list[int], runs: int) -> dict[int, dict[str, float]]:
    results = {}
    with tempfile.TemporaryDirectory() as workdir:
        for times in sizes:
            results[times] = first_question(stage(Path(workdir) / f"x{times}", times), runs)
    return results


def report(results: dict[int, dict[str, float]], runs: int) -> None:
    print(
        f"First free-form question of a cold start, by content size (median of {runs} fresh interpreters, "
        "as on Lambda, synthetic content with varied words)"
    )
    print(
        f"  {'content':<8} {'topics':>6} {'index file':>11} {'content load':>13} {'index load':>11} "
        f"{'models load':>12} {'first turn':>11} {'peak RSS':>9}"
    )
    for times, f in results.items():
        print(
            f"  {str(times) + 'x':<8} {f['topics']:6.0f} {f['index_file_kib']:7.0f} KiB {f['content']:10.1f} ms "
            f"{f['index']:8.1f} ms {f['models']:9.1f} ms {f['turn']:8.1f} ms {f['rss_mib']:5.1f} MiB"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--times", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    report(measure(args.times, args.runs), args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
