"""Back Pain Guide against a minimal one-handler ASK SDK skill: cold start, warm latency, package size.

    .venv/bin/python bench/bench_skill.py [--cold-runs 15] [--calls 3000] [--no-package] [--no-instructions]
                                          [--no-dynamodb] [--fact-sample PATH]

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

Every configuration a user runs, in the same run: no store, the SQLite store (console, web
service) and the DynamoDB store (Lambda) against dynalite on 127.0.0.1 (``npm ci`` first; skipped
with --no-dynamodb), cold (first request a launch, or a one-shot question that never reads the
profile) and warm (a returning user's launch), each side by side with the baseline.
``--fact-sample PATH`` adds the official Alexa fact sample (the ``lambda/py`` folder of
alexa-samples/skill-sample-python-fact, fetched to a temporary folder; never committed) beside them.

Package: the function as `sam build` makes it (lambda/Makefile, no boto3), zipped.

Content scale (bench/bench_index_scale.py; skipped with --no-scale): the first free-form question
of a cold start with today's content and with synthetic content --scale times as big (words
varied, so the vocabulary grows too): content load, index load, whole turn and peak RSS.
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
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SKILL_DIR = ROOT / "lambda"
BASELINE_DIR = ROOT / "bench" / "baseline_skill"
sys.path.insert(0, str(SKILL_DIR))

from back_pain_guide.local.envelopes import Device, slot  # noqa: E402

# What awslambdaric (the runtime interface client of Lambda's managed Python runtimes, 4.x)
# imports from the standard library in bootstrap.py before it loads a handler module.
LAMBDA_RUNTIME_IMPORTS = "import importlib, json, logging, os, sys, time, traceback"

# How each skill answers the first request of a cold-start process.
# The deployed entry point (default store); the fact sample names its entry point lambda_handler.
HANDLER_ANSWER = (
    "answer = (getattr(lambda_function, 'handler', None) or lambda_function.lambda_handler)(event, None)"
)
NO_STORE_ANSWER = (
    "from back_pain_guide.skill import build_skill, invoke\n"
    "answer = invoke(build_skill(None), event)"
)  # the skill's own code, as in the warm figures

COLD_START_SCRIPT = """{preload}
import json, resource, sys, time
event = json.loads(sys.argv[2])
wall, cpu = time.perf_counter(), time.process_time()
sys.path.insert(0, sys.argv[1])
import lambda_function
{answer}
assert answer["response"]["outputSpeech"]["ssml"], answer
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
try:  # this process's own peak: ru_maxrss keeps the peak of the parent copied by fork, before exec
    with open("/proc/self/status", encoding="ascii") as status:
        peak = int(next(line for line in status if line.startswith("VmHWM:")).split()[1])
except OSError:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"wall": wall, "cpu": cpu, "rss_kb": peak}}))
"""

# (title, what runs before the clock starts, how Back Pain Guide answers, its first request,
# which store the environment names); the baseline always answers a LaunchRequest through its handler.
COLD_START_SCENARIOS = (
    ("as on Lambda, skill without a store", LAMBDA_RUNTIME_IMPORTS, NO_STORE_ANSWER, "launch", "sqlite"),
    ("as on Lambda, with the local SQLite store", LAMBDA_RUNTIME_IMPORTS, HANDLER_ANSWER, "launch", "sqlite"),
    ("bare interpreter, with the local SQLite store", "", HANDLER_ANSWER, "launch", "sqlite"),
    (
        "as on Lambda, DynamoDB configured, first request a one-shot question",
        LAMBDA_RUNTIME_IMPORTS,
        HANDLER_ANSWER,
        "question",
        "dynamodb",
    ),
    (
        "as on Lambda, DynamoDB configured, first request a launch",
        LAMBDA_RUNTIME_IMPORTS,
        HANDLER_ANSWER,
        "launch",
        "dynamodb",
    ),
)


def first_request(kind: str) -> str:
    device = Device(user_id="amzn1.ask.account.cold")
    if kind == "question":
        return json.dumps(
            device.intent(
                "CausesIntent",
                {"topic": slot("topic", "sciatica", resolved_id="sciatica", slot_type="TopicType")},
            )
        )
    return json.dumps(device.launch())


def load_handler(directory: Path, module_name: str) -> Callable[[dict, Any], dict]:
    """Import a lambda_function.py under its own module name, so both skills live in one process."""
    spec = importlib.util.spec_from_file_location(module_name, directory / "lambda_function.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, "handler", None) or module.lambda_handler


def request_kinds() -> dict[str, dict[str, Any]]:
    """One envelope per request kind the issue names; the checklist one waits on question one."""
    from back_pain_guide.skill import build_skill, invoke

    device = Device(user_id="amzn1.ask.account.bench")
    kinds = {
        "LaunchRequest": device.launch(),
        "topic question": device.intent(
            "CausesIntent",
            {"topic": slot("topic", "sciatica", resolved_id="sciatica", slot_type="TopicType")},
        ),
        "free-form question": device.intent(
            "QuestionIntent",
            {
                "query": slot(
                    "query", "why does my lower back hurt when i bend over", slot_type="AMAZON.SearchQuery"
                )
            },
        ),
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


def time_side_by_side(
    ours: Callable[[dict, Any], dict],
    theirs: Callable[[dict, Any], dict],
    envelope: dict,
    calls: int,
    their_envelope: dict | None = None,
) -> tuple[list[float], list[float]]:
    """Alternates the two skills call by call, so both see the same machine load and clock speed."""
    mine, base = [], []
    their_envelope = their_envelope or envelope
    for _ in range(50):
        ours(envelope, None), theirs(their_envelope, None)
    for _ in range(calls):
        for handler, timings, event in ((ours, mine, envelope), (theirs, base, their_envelope)):
            started = time.perf_counter()
            handler(event, None)
            timings.append((time.perf_counter() - started) * 1000)
    return mine, base


def cold_starts(
    runs: int,
    env: dict[str, str],
    preload: str,
    our_answer: str,
    ours_first: str = "",
    others: tuple[Path, ...] = (),
) -> list[dict[str, float]]:
    """Median cold-start figures for Back Pain Guide, the baseline and any ``others`` (answering a
    LaunchRequest through their handlers); the processes alternate between the skills, so a
    change in machine load touches all alike."""
    launch = json.dumps(Device(user_id="amzn1.ask.account.cold").launch())
    ours_first = ours_first or launch
    scripts = (
        (SKILL_DIR, COLD_START_SCRIPT.format(preload=preload, answer=our_answer), ours_first),
        *(
            (directory, COLD_START_SCRIPT.format(preload=preload, answer=HANDLER_ANSWER), launch)
            for directory in (BASELINE_DIR, *others)
        ),
    )
    samples: list[list[dict[str, float]]] = [[] for _ in scripts]
    for run in range(runs + 1):
        for (directory, script, event), kept in zip(scripts, samples, strict=False):
            # In the function's folder, as Lambda runs it (the fact sample opens a file by a relative path).
            output = subprocess.run(
                [sys.executable, "-c", script, str(directory), event],
                cwd=directory,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            if run:  # the first run only warms the bytecode cache
                kept.append(json.loads(output.splitlines()[-1]))
    return [
        {key: statistics.median(sample[key] for sample in kept) for key in ("wall", "cpu", "rss_kb")}
        for kept in samples
    ]


EMPTY_HANDLER = (
    'def handler(event, context):\n    return {"response": {"outputSpeech": {"ssml": "<speak/>"}}}\n'
)


def instructions(directory: Path, script: str, launch: str, env: dict[str, str]) -> int:
    """Instructions one cold-start process executes, counted by valgrind (callgrind): unlike
    CPU time, the same on every run and every machine load."""
    result = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            "-c",
            script,
            str(directory),
            launch,
        ],
        cwd=directory,
        env=dict(env, PYTHONHASHSEED="0"),
        check=True,
        capture_output=True,
        text=True,
    )
    return int(re.search(r"refs:\s*([\d,]+)", result.stderr).group(1).replace(",", ""))


def cold_start_instructions(
    env: dict[str, str], preload: str, our_answer: str, ours_first: str = "", others: tuple[Path, ...] = ()
) -> list[int]:
    """Instructions of each skill's cold start (ours, the baseline, then ``others``) beyond an
    interpreter whose handler does nothing."""
    launch = json.dumps(Device(user_id="amzn1.ask.account.cold").launch())
    ours_first = ours_first or launch
    with tempfile.TemporaryDirectory() as empty:
        Path(empty, "lambda_function.py").write_text(EMPTY_HANDLER, encoding="utf-8")
        runs = (
            (SKILL_DIR, our_answer),
            (BASELINE_DIR, HANDLER_ANSWER),
            *((directory, HANDLER_ANSWER) for directory in others),
            (Path(empty), HANDLER_ANSWER),
        )
        events = (ours_first, *[launch] * (len(runs) - 1))
        for (directory, answer), event in zip(
            runs, events, strict=False
        ):  # leave bytecode for the counted runs
            subprocess.run(
                [
                    sys.executable,
                    "-c",
                    COLD_START_SCRIPT.format(preload=preload, answer=answer),
                    str(directory),
                    event,
                ],
                cwd=directory,
                env=env,
                check=True,
                capture_output=True,
            )
        with ThreadPoolExecutor(max_workers=os.cpu_count()) as pool:
            *counts, nothing = pool.map(
                lambda run: instructions(
                    run[0][0], COLD_START_SCRIPT.format(preload=preload, answer=run[0][1]), run[1], env
                ),
                zip(runs, events, strict=False),
            )
    return [count - nothing for count in counts]


def package_figures() -> tuple[int, int]:
    """Builds the function the way `sam build` does (lambda/Makefile) and zips it."""
    with tempfile.TemporaryDirectory() as workdir:
        artifacts = Path(workdir) / "function"
        artifacts.mkdir()
        subprocess.run(
            ["make", "-s", "-C", str(SKILL_DIR), "build-BackPainGuideFunction", f"ARTIFACTS_DIR={artifacts}"],
            check=True,
            capture_output=True,
        )
        archive = Path(workdir) / "function.zip"
        count = 0
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
            for path in sorted(artifacts.rglob("*")):
                if path.is_file():
                    bundle.write(path, path.relative_to(artifacts))
                    count += 1
        return archive.stat().st_size, count


def ratio_row(name: str, ours: float, others: list[float], unit: str) -> str:
    """One figure of ours, then each comparison's figure and our ratio to it."""
    cells = "".join(f"   {other:9.3f} {unit:<3} ratio {ours / other:5.2f}" for other in others)
    return f"  {name:<22} {ours:9.3f} {unit:<3}{cells}"


def start_dynalite() -> Any:
    """A dynalite server with the profile table, or None when it cannot run here."""
    sys.path.insert(0, str(ROOT / "tests" / "persistence"))
    from dynalite import Dynalite, new_table_name

    try:
        server = Dynalite().start()
    except Exception as exc:
        print(f"(no DynamoDB figures: {exc})")
        return None
    server.table = new_table_name()
    # In a child process: botocore in this one would be copied into every measured process's
    # peak RSS (ru_maxrss survives fork and exec).
    subprocess.run(
        [
            sys.executable,
            "-c",
            (
                "import sys; from back_pain_guide.store.dynamodb import DynamoDbProfileAdapter, dynamodb_client; "
                "DynamoDbProfileAdapter(sys.argv[1], dynamodb_client(endpoint_url=sys.argv[2], aws_access_key_id='bench', "
                "aws_secret_access_key='bench', region_name='us-east-1'), create_table=True).client"
            ),
            server.table,
            server.endpoint_url,
        ],
        cwd=SKILL_DIR,
        check=True,
    )
    return server


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cold-runs", type=int, default=15)
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--no-package", action="store_true", help="skip building the package")
    parser.add_argument(
        "--no-instructions",
        action="store_true",
        help="skip counting cold-start instructions with valgrind (done when valgrind is installed)",
    )
    parser.add_argument(
        "--no-dynamodb", action="store_true", help="skip the DynamoDB (dynalite) configurations"
    )
    parser.add_argument("--no-scale", action="store_true", help="skip the synthetic-content index benchmark")
    parser.add_argument(
        "--scale",
        type=int,
        nargs="+",
        default=[1, 10],
        help="content sizes (multiples of today's) for the index benchmark",
    )
    parser.add_argument(
        "--fact-sample",
        type=Path,
        default=None,
        help="the lambda/py folder of alexa-samples/skill-sample-python-fact, measured beside",
    )
    args = parser.parse_args()
    others = (args.fact_sample.resolve(),) if args.fact_sample else ()
    header = "baseline" + (", fact sample" if others else "")

    server = None if args.no_dynamodb else start_dynalite()
    try:
        with tempfile.TemporaryDirectory() as state:
            env = dict(os.environ, BACK_PAIN_GUIDE_DB=str(Path(state) / "state.sqlite3"), LOG_LEVEL="WARNING")
            env.pop("BACK_PAIN_GUIDE_TABLE", None)
            env.pop(
                "PYTHONDONTWRITEBYTECODE", None
            )  # the first run must leave bytecode for the measured ones
            # setuptools' distutils-precedence.pth puts an import hook in front of every import of a
            # virtualenv; Lambda has none, so the hook stays off here (it would add to both skills).
            env["SETUPTOOLS_USE_DISTUTILS"] = "stdlib"
            stores = {"sqlite": env}
            if server is not None:
                stores["dynamodb"] = dict(
                    env,
                    BACK_PAIN_GUIDE_TABLE=server.table,
                    AWS_ENDPOINT_URL_DYNAMODB=server.endpoint_url,
                    AWS_ACCESS_KEY_ID="bench",
                    AWS_SECRET_ACCESS_KEY="bench",
                    AWS_DEFAULT_REGION="us-east-1",
                )
            counted = not args.no_instructions and shutil.which("valgrind") is not None
            print(
                f"Cold start: import + first request, median of {args.cold_runs} fresh interpreters per skill "
                f"(ours, then {header} answering a LaunchRequest)"
                + ("; instructions counted by valgrind, one run each" if counted else "")
            )
            for title, preload, answer, first, store in COLD_START_SCENARIOS:
                if store not in stores:
                    continue
                event = first_request(first)
                ours, *theirs = cold_starts(args.cold_runs, stores[store], preload, answer, event, others)
                print(f" {title}")
                print(ratio_row("CPU", ours["cpu"] * 1000, [t["cpu"] * 1000 for t in theirs], "ms"))
                print(ratio_row("wall", ours["wall"] * 1000, [t["wall"] * 1000 for t in theirs], "ms"))
                print(
                    ratio_row("peak RSS", ours["rss_kb"] / 1024, [t["rss_kb"] / 1024 for t in theirs], "MiB")
                )
                if counted:
                    ours_count, *their_counts = cold_start_instructions(
                        stores[store], preload, answer, event, others
                    )
                    print(ratio_row("instructions", ours_count / 1e6, [c / 1e6 for c in their_counts], "M"))

            os.environ["BACK_PAIN_GUIDE_DB"] = env["BACK_PAIN_GUIDE_DB"]
            from back_pain_guide.skill import build_skill, invoke
            from back_pain_guide.store import SqliteAdapter

            skill = build_skill(None)
            ours_handler = lambda event, context: invoke(skill, event, context)  # noqa: E731
            compared = [load_handler(BASELINE_DIR, "baseline_lambda_function")]
            for number, directory in enumerate(others):
                sys.path.insert(0, str(directory))
                compared.append(load_handler(directory, f"compared_lambda_function_{number}"))
                # The fact sample reads language_strings.json from the working folder on every
                # request, as on Lambda (/var/task); ours and the baseline use no relative paths.
                os.chdir(directory)
            print(
                f"\nWarm latency: {args.calls} calls per kind, one process, alternating call by call with "
                f"{header} (their LaunchRequest for the store rows)"
            )
            print(f"  {'request':<22} {'median ms':>9} {'p99':>7}   {header}: median, our ratio")
            worst_p99 = 0.0
            configurations: list[tuple[str, Callable[[dict, Any], dict], dict]] = [
                (kind, ours_handler, envelope) for kind, envelope in request_kinds().items()
            ]
            stored = build_skill(SqliteAdapter(Path(state) / "warm.sqlite3"))
            launch = Device(user_id="amzn1.ask.account.warm").launch()
            configurations.append(("LaunchRequest+SQLite", lambda e, c: invoke(stored, e, c), launch))
            if server is not None:
                from back_pain_guide.store.dynamodb import DynamoDbProfileAdapter, dynamodb_client

                dynamo = build_skill(
                    DynamoDbProfileAdapter(
                        server.table,
                        dynamodb_client(
                            endpoint_url=server.endpoint_url,
                            aws_access_key_id="bench",
                            aws_secret_access_key="bench",
                            region_name="us-east-1",
                        ),
                    )
                )
                configurations.append(("LaunchRequest+DynamoDB", lambda e, c: invoke(dynamo, e, c), launch))
            for kind, handler, envelope in configurations:
                store_row = "+" in kind
                calls = args.calls if not kind.endswith("DynamoDB") else max(50, args.calls // 20)
                theirs_event = launch if store_row else envelope
                mine, base = time_side_by_side(handler, compared[0], envelope, calls, theirs_event)
                medians = [statistics.median(base)]
                for other in compared[1:]:
                    _, timings = time_side_by_side(handler, other, envelope, calls, launch)
                    medians.append(statistics.median(timings))
                median, p99 = statistics.median(mine), percentile(mine, 0.99)
                if not store_row:
                    worst_p99 = max(worst_p99, p99)
                cells = "".join(f"   {m:7.3f} x{median / m:5.2f}" for m in medians)
                print(f"  {kind:<22} {median:9.3f} {p99:7.3f}{cells}")
            print(
                f"  worst p99 of the skill's own code: {worst_p99:.3f} ms (dynalite is a Node process on this "
                "machine; DynamoDB's own latency is not the skill's)"
            )
    finally:
        if server is not None:
            server.stop()

    if not args.no_package:
        size, files = package_figures()
        print(
            f"\nPackage (sam build via lambda/Makefile, boto3 from the runtime): "
            f"{size / 1024 / 1024:.2f} MiB zipped, {files} files"
        )
    if not args.no_scale:
        import bench_index_scale

        print()
        bench_index_scale.report(bench_index_scale.measure(args.scale, args.cold_runs), args.cold_runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
