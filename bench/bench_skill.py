"""Back Pain Guide against a minimal one-handler ASK SDK skill: cold start, warm latency, package size.

    .venv/bin/python bench/bench_skill.py [--cold-runs 15] [--calls 3000] [--no-package] [--no-instructions]

Cold start: a fresh interpreter imports the handler module and answers its first LaunchRequest
(median of --cold-runs processes, wall and CPU time from just before the import to the answer,
plus peak RSS). Both skills run with compiled bytecode already cached, as after a first run.
Three scenarios: as on Lambda, where the runtime interface client has imported a few standard
modules (logging among them) before it imports the handler, once with the skill built without
a profile store (its own code, as in the warm figures) and once through the handler with its
embedded default store (SQLite in a temp dir); and that last one again in a bare interpreter.
When valgrind is installed, each scenario's instructions are also counted (one run per skill,
minus an interpreter whose handler does nothing): CPU-time ratios on a shared machine move by
about 0.1 between runs, instruction counts do not.

Warm latency: median and p99 over --calls invocations per request kind in one process. The
skill runs without a profile store here, so the figures are its own code; the store's cost is
printed on its own line (and in bench/bench_persistence.py).

Package: the function as `sam build` makes it (lambda/Makefile, no boto3), zipped.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
SKILL_DIR = ROOT / "lambda"
BASELINE_DIR = ROOT / "bench" / "baseline_skill"
sys.path.insert(0, str(SKILL_DIR))

from back_pain_guide.envelopes import Device, slot  # noqa: E402

# What awslambdaric (the runtime interface client of Lambda's managed Python runtimes, 4.x)
# imports from the standard library in bootstrap.py before it loads a handler module.
LAMBDA_RUNTIME_IMPORTS = "import importlib, json, logging, os, sys, time, traceback"

# How each skill answers the first request of a cold-start process.
HANDLER_ANSWER = "answer = lambda_function.handler(event, None)"  # the deployed entry point, default store
NO_STORE_ANSWER = ("from back_pain_guide.skill import build_skill, invoke\n"
                   "answer = invoke(build_skill(None), event)")   # the skill's own code, as in the warm figures

COLD_START_SCRIPT = """{preload}
import json, resource, sys, time
event = json.loads(sys.argv[2])
wall, cpu = time.perf_counter(), time.process_time()
sys.path.insert(0, sys.argv[1])
import lambda_function
{answer}
assert answer["response"]["outputSpeech"]["ssml"], answer
print(json.dumps({{"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
                  "rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}}))
"""

# (title, what runs before the clock starts, how Back Pain Guide answers); the baseline always
# answers through its handler.
COLD_START_SCENARIOS = (
    ("as on Lambda, skill without a store", LAMBDA_RUNTIME_IMPORTS, NO_STORE_ANSWER),
    ("as on Lambda, with the local SQLite store", LAMBDA_RUNTIME_IMPORTS, HANDLER_ANSWER),
    ("bare interpreter, with the local SQLite store", "", HANDLER_ANSWER),
)


def load_handler(directory: Path, module_name: str) -> Callable[[dict, Any], dict]:
    """Import a lambda_function.py under its own module name, so both skills live in one process."""
    spec = importlib.util.spec_from_file_location(module_name, directory / "lambda_function.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.handler


def request_kinds() -> dict[str, dict[str, Any]]:
    """One envelope per request kind the issue names; the checklist one waits on question one."""
    from back_pain_guide.skill import build_skill, invoke
    device = Device(user_id="amzn1.ask.account.bench")
    kinds = {
        "LaunchRequest": device.launch(),
        "topic question": device.intent("CausesIntent", {"topic": slot(
            "topic", "sciatica", resolved_id="sciatica", slot_type="TopicType")}),
        "free-form question": device.intent("QuestionIntent", {"query": slot(
            "query", "why does my lower back hurt when i bend over", slot_type="AMAZON.SearchQuery")}),
    }
    checklist_device = Device(user_id="amzn1.ask.account.bench")
    checklist_device.receive(invoke(build_skill(None), checklist_device.intent("ChecklistIntent")))
    kinds["checklist answer"] = checklist_device.intent("AMAZON.NoIntent")
    kinds["unknown intent"] = device.intent("NoSuchIntent")
    return kinds


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def time_calls(handler: Callable[[dict, Any], dict], envelope: dict, calls: int) -> list[float]:
    for _ in range(50):
        handler(envelope, None)
    timings = []
    for _ in range(calls):
        started = time.perf_counter()
        handler(envelope, None)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def time_side_by_side(ours: Callable[[dict, Any], dict], theirs: Callable[[dict, Any], dict],
                      envelope: dict, calls: int) -> tuple[list[float], list[float]]:
    """Alternates the two skills call by call, so both see the same machine load and clock speed."""
    mine, base = [], []
    for _ in range(50):
        ours(envelope, None), theirs(envelope, None)
    for _ in range(calls):
        for handler, timings in ((ours, mine), (theirs, base)):
            started = time.perf_counter()
            handler(envelope, None)
            timings.append((time.perf_counter() - started) * 1000)
    return mine, base


def cold_starts(runs: int, env: dict[str, str], preload: str, our_answer: str) -> list[dict[str, float]]:
    """Median cold-start figures for Back Pain Guide and the baseline; the processes alternate
    between the two skills, so a change in machine load touches both alike."""
    launch = json.dumps(Device(user_id="amzn1.ask.account.cold").launch())
    scripts = ((SKILL_DIR, COLD_START_SCRIPT.format(preload=preload, answer=our_answer)),
               (BASELINE_DIR, COLD_START_SCRIPT.format(preload=preload, answer=HANDLER_ANSWER)))
    samples: list[list[dict[str, float]]] = [[] for _ in scripts]
    for run in range(runs + 1):
        for (directory, script), kept in zip(scripts, samples):
            output = subprocess.run([sys.executable, "-c", script, str(directory), launch],
                                    env=env, check=True, capture_output=True, text=True).stdout
            if run:  # the first run only warms the bytecode cache
                kept.append(json.loads(output.splitlines()[-1]))
    return [{key: statistics.median(sample[key] for sample in kept) for key in ("wall", "cpu", "rss_kb")}
            for kept in samples]


EMPTY_HANDLER = 'def handler(event, context):\n    return {"response": {"outputSpeech": {"ssml": "<speak/>"}}}\n'


def instructions(directory: Path, script: str, launch: str, env: dict[str, str]) -> int:
    """Instructions one cold-start process executes, counted by valgrind (callgrind): unlike
    CPU time, the same on every run and every machine load."""
    result = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                             sys.executable, "-c", script, str(directory), launch],
                            env=dict(env, PYTHONHASHSEED="0"), check=True, capture_output=True, text=True)
    return int(re.search(r"refs:\s*([\d,]+)", result.stderr).group(1).replace(",", ""))


def cold_start_instructions(env: dict[str, str], preload: str, our_answer: str) -> tuple[int, int]:
    """Instructions of each skill's cold start beyond an interpreter whose handler does nothing."""
    launch = json.dumps(Device(user_id="amzn1.ask.account.cold").launch())
    with tempfile.TemporaryDirectory() as empty:
        Path(empty, "lambda_function.py").write_text(EMPTY_HANDLER, encoding="utf-8")
        runs = ((SKILL_DIR, our_answer), (BASELINE_DIR, HANDLER_ANSWER), (Path(empty), HANDLER_ANSWER))
        for directory, answer in runs:  # leave bytecode for the counted runs
            subprocess.run([sys.executable, "-c", COLD_START_SCRIPT.format(preload=preload, answer=answer),
                            str(directory), launch], env=env, check=True, capture_output=True)
        with ThreadPoolExecutor(max_workers=os.cpu_count()) as pool:
            ours, base, nothing = pool.map(
                lambda run: instructions(run[0], COLD_START_SCRIPT.format(preload=preload, answer=run[1]),
                                         launch, env), runs)
    return ours - nothing, base - nothing


def boto3_import_ms(runs: int, env: dict[str, str]) -> float:
    """CPU time a fresh interpreter spends importing boto3 and the ASK DynamoDB adapter."""
    script = ("import time; c = time.process_time(); import boto3, ask_sdk_dynamodb.adapter; "
              "print(time.process_time() - c)")
    env = dict(env, AWS_DEFAULT_REGION="us-east-1")  # the adapter builds a boto3 resource as it is imported
    samples = [float(subprocess.run([sys.executable, "-c", script], env=env, check=True, capture_output=True,
                                    text=True).stdout) for _ in range(runs + 1)][1:]
    return statistics.median(samples) * 1000


def package_figures() -> tuple[int, int]:
    """Builds the function the way `sam build` does (lambda/Makefile) and zips it."""
    with tempfile.TemporaryDirectory() as workdir:
        artifacts = Path(workdir) / "function"
        artifacts.mkdir()
        subprocess.run(["make", "-s", "-C", str(SKILL_DIR), "build-BackPainGuideFunction",
                        f"ARTIFACTS_DIR={artifacts}"], check=True, capture_output=True)
        archive = Path(workdir) / "function.zip"
        count = 0
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
            for path in sorted(artifacts.rglob("*")):
                if path.is_file():
                    bundle.write(path, path.relative_to(artifacts))
                    count += 1
        return archive.stat().st_size, count


def row(name: str, ours: float, base: float, unit: str) -> str:
    return f"  {name:<22} {ours:10.3f} {unit:<3} baseline {base:10.3f} {unit:<3} ratio {ours / base:5.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cold-runs", type=int, default=15)
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--no-package", action="store_true", help="skip building the package")
    parser.add_argument("--no-instructions", action="store_true",
                        help="skip counting cold-start instructions with valgrind (done when valgrind is installed)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as state:
        env = dict(os.environ, BACK_PAIN_GUIDE_DB=str(Path(state) / "state.sqlite3"), LOG_LEVEL="WARNING")
        env.pop("BACK_PAIN_GUIDE_TABLE", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # the first run must leave bytecode for the measured ones
        # setuptools' distutils-precedence.pth puts an import hook in front of every import of a
        # virtualenv; Lambda has none, so the hook stays off here (it would add to both skills).
        env["SETUPTOOLS_USE_DISTUTILS"] = "stdlib"
        counted = not args.no_instructions and shutil.which("valgrind") is not None
        print(f"Cold start: import + first LaunchRequest, median of {args.cold_runs} fresh interpreters per skill"
              + ("; instructions counted by valgrind, one run each" if counted else ""))
        for title, preload, answer in COLD_START_SCENARIOS:
            ours, base = cold_starts(args.cold_runs, env, preload, answer)
            print(f" {title}")
            print(row("CPU", ours["cpu"] * 1000, base["cpu"] * 1000, "ms"))
            print(row("wall", ours["wall"] * 1000, base["wall"] * 1000, "ms"))
            print(row("peak RSS", ours["rss_kb"] / 1024, base["rss_kb"] / 1024, "MiB"))
            if counted:
                ours_count, base_count = cold_start_instructions(env, preload, answer)
                print(row("instructions", ours_count / 1e6, base_count / 1e6, "M"))
        print(f"  on AWS the DynamoDB store also imports boto3 (from the runtime): "
              f"{boto3_import_ms(args.cold_runs, env):.0f} ms more CPU, median of {args.cold_runs}")

        os.environ["BACK_PAIN_GUIDE_DB"] = env["BACK_PAIN_GUIDE_DB"]
        from back_pain_guide.persistence import SqliteAdapter
        from back_pain_guide.skill import build_skill, invoke
        skill = build_skill(None)
        ours_handler = lambda event, context: invoke(skill, event, context)  # noqa: E731
        base_handler = load_handler(BASELINE_DIR, "baseline_lambda_function")
        print(f"\nWarm latency: {args.calls} calls per kind, one process (skill without a store)")
        print(f"  {'request':<20} {'median ms':>10} {'p99 ms':>8} {'baseline median':>16} {'ratio':>6}")
        worst_p99 = 0.0
        for kind, envelope in request_kinds().items():
            mine, theirs = time_side_by_side(ours_handler, base_handler, envelope, args.calls)
            median, p99, base_median = statistics.median(mine), percentile(mine, 0.99), statistics.median(theirs)
            worst_p99 = max(worst_p99, p99)
            print(f"  {kind:<20} {median:10.3f} {p99:8.3f} {base_median:16.3f} {median / base_median:6.2f}")
        stored = build_skill(SqliteAdapter(Path(state) / "warm.sqlite3"))
        launch = Device(user_id="amzn1.ask.account.warm").launch()
        with_store = time_calls(lambda event, context: invoke(stored, event, context), launch, args.calls)
        print(f"  {'LaunchRequest+SQLite':<20} {statistics.median(with_store):10.3f} "
              f"{percentile(with_store, 0.99):8.3f}   (one profile read and write per launch)")
        print(f"  worst p99 of the skill's own code: {worst_p99:.3f} ms")

    if not args.no_package:
        size, files = package_figures()
        print(f"\nPackage (sam build via lambda/Makefile, boto3 from the runtime): "
              f"{size / 1024 / 1024:.2f} MiB zipped, {files} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
