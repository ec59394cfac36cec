"""What remembering a user costs a turn: a LaunchRequest (one read, one write) per store.

    .venv/bin/python bench/bench_persistence.py [--turns 300]

Runs the same launch through the skill with no store, the SQLite store (a file in a temp
directory) and the DynamoDB store against dynalite on 127.0.0.1 (``npm ci`` first), each
launch for a returning user; then with each store hung (a server that never answers / a
file locked by another writer). Prints median and p95 milliseconds per turn, and the
ratio to the no-store median.
"""

from __future__ import annotations

import argparse
import logging
import socket
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "lambda"), str(ROOT / "tests" / "persistence")]

from dynalite import Dynalite, new_table_name  # noqa: E402

from back_pain_guide.local.envelopes import Device  # noqa: E402
from back_pain_guide.skill import build_skill, invoke  # noqa: E402
from back_pain_guide.store import SqliteAdapter  # noqa: E402
from back_pain_guide.store.dynamodb import DynamoDbProfileAdapter, dynamodb_client  # noqa: E402


def time_launches(adapter: Any, turns: int) -> list[float]:
    skill = build_skill(adapter)
    device = Device(user_id="amzn1.ask.account.bench")
    invoke(skill, device.launch())  # the first visit; the timed ones are returns
    timings = []
    for _ in range(turns):
        started = time.perf_counter()
        response = invoke(skill, device.launch())
        timings.append((time.perf_counter() - started) * 1000)
        assert response["response"]["outputSpeech"]["ssml"]
    return timings


def report(name: str, timings: list[float], baseline: float | None) -> float:
    median = statistics.median(timings)
    p95 = statistics.quantiles(timings, n=20)[-1] if len(timings) >= 20 else max(timings)
    ratio = f"  x{median / baseline:.1f} vs no store" if baseline else ""
    print(f"{name:<28} median {median:8.2f} ms   p95 {p95:8.2f} ms   n={len(timings)}{ratio}")
    return median


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=300)
    args = parser.parse_args()
    hung_turns = 5
    logging.disable(logging.WARNING)  # the hung runs warn on every turn, by design

    baseline = report("no store", time_launches(None, args.turns), None)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "state.sqlite3"
        report("sqlite", time_launches(SqliteAdapter(path), args.turns), baseline)
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        report("sqlite, file locked", time_launches(SqliteAdapter(path), hung_turns), baseline)
        holder.close()

    server = Dynalite().start()
    try:
        client = dynamodb_client(
            endpoint_url=server.endpoint_url,
            aws_access_key_id="bench",
            aws_secret_access_key="bench",
            region_name="us-east-1",
        )
        adapter = DynamoDbProfileAdapter(new_table_name(), client, create_table=True)
        report("dynamodb (dynalite)", time_launches(adapter, args.turns), baseline)
        port = server.port
        server.kill()
        blackhole = socket.socket()
        blackhole.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        blackhole.bind(("127.0.0.1", port))
        blackhole.listen(64)  # accepted by the kernel, never answered
        report("dynamodb, server hung", time_launches(adapter, hung_turns), baseline)
        blackhole.close()
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
