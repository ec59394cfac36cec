"""Load benchmark: the web service under gunicorn, verification on, against a bare Flask route.

    .venv/bin/python bench/bench_web.py [--duration 20] [--connections 32] [--workers 2]

Three runs on 127.0.0.1: the skill under the production command (``gunicorn -c
gunicorn.conf.py``: gevent workers, deadlines, JSON errors), the skill under the old command
(``gunicorn -w N``, sync workers), and a bare Flask route under sync workers. The skill runs sign every
request with a throwaway test CA whose root the service trusts through the test hooks
(``BACK_PAIN_GUIDE_TEST_ROOT_CA`` / ``BACK_PAIN_GUIDE_TEST_CERT_CHAIN``, refused in
production); a preflight checks that an unsigned request is refused, so verification is
really on. The load generator is an asyncio HTTP/1.1 client in this process (one request
per connection, as gunicorn's sync workers close after each reply); it shares the
machine's cores with the server, so the figures are a floor, not a ceiling.
Prints requests/s, p50/p99 latency and errors for each, and the ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests" / "web"), str(ROOT / "tests" / "e2e")]

from service import free_port, stop, wait_until_healthy  # noqa: E402
from testca import SKILL_ID, TestCA, body_of, envelope, intent  # noqa: E402

FIXED_REPLY = {
    "version": "1.0",
    "response": {"outputSpeech": {"type": "PlainText", "text": "Hello."}, "shouldEndSession": True},
}


def bare_app():
    """The baseline: Flask returning a fixed JSON body for POST /, nothing else."""
    from flask import Flask, request

    app = Flask("bare")

    @app.post("/")
    def fixed():
        request.get_data()
        return FIXED_REPLY

    @app.get("/health")
    def health():
        return {"status": "ok"}

    return app


@contextmanager
def gunicorn(
    target: str, workers: int, env: dict[str, str], production: bool = False
) -> Iterator[tuple[str, int]]:
    port = free_port()
    if production:  # the README's production command: every setting from gunicorn.conf.py
        command = ["-c", "gunicorn.conf.py", "--log-level", "warning", target]
        env = {**env, "BIND": f"127.0.0.1:{port}", "WEB_WORKERS": str(workers)}
    else:
        command = [
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--backlog",
            "512",
            "--no-control-socket",
            "--pythonpath",
            f"{ROOT / 'lambda'},{ROOT / 'bench'}",
            "--log-level",
            "warning",
            target,
        ]
    with tempfile.TemporaryFile(mode="w+") as log:  # a file, not a pipe: a full pipe would stall the workers
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", *command],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            try:
                wait_until_healthy(f"http://127.0.0.1:{port}/", process, timeout=30)
            except RuntimeError as exc:
                log.seek(0)
                raise RuntimeError(f"{exc}\n{log.read()[-2000:]}") from None
            yield "127.0.0.1", port
        finally:
            stop(process)


def http_request(body: bytes, headers: dict[str, str], host: str, port: int) -> bytes:
    lines = ["POST / HTTP/1.1", f"Host: {host}:{port}", f"Content-Length: {len(body)}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    elapsed: float = 0.0

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def one(host: str, port: int, raw: bytes, expect: bytes) -> bool:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(raw)
        await writer.drain()
        reply = await reader.read()
    finally:
        writer.close()
    head, _, payload = reply.partition(b"\r\n\r\n")
    return head.startswith(b"HTTP/1.1 200") and expect in payload


async def load(
    host: str,
    port: int,
    requests: list[bytes],
    expect: bytes,
    connections: int,
    duration: float,
    warmup: float,
) -> Result:
    result = Result()
    cycle = itertools.cycle(requests)
    start = time.perf_counter()
    measure_from = start + warmup
    stop = measure_from + duration

    async def client() -> None:
        while (now := time.perf_counter()) < stop:
            began = now
            try:
                ok = await asyncio.wait_for(one(host, port, next(cycle), expect), timeout=10)
            except (TimeoutError, OSError):
                ok = False
            if began < measure_from:
                continue
            if ok:
                result.latencies.append(time.perf_counter() - began)
            else:
                result.errors += 1

    await asyncio.gather(*(client() for _ in range(connections)))
    result.elapsed = time.perf_counter() - measure_from
    return result


def signed_requests(ca: TestCA, host: str, port: int, count: int) -> list[bytes]:
    """A mix of launches, questions and checklist starts, each signed (timestamps valid 150 s)."""
    kinds = [
        None,
        intent("CausesIntent"),
        intent("RemediesIntent"),
        intent("ChecklistIntent"),
        intent("WhenToGetHelpIntent"),
    ]
    out = []
    for n in range(count):
        body = body_of(envelope(kinds[n % len(kinds)], user_id=f"amzn1.ask.account.BENCH{n % 64}"))
        out.append(http_request(body, ca.headers(body), host, port))
    return out


def preflight(host: str, port: int, ca: TestCA) -> None:
    """Verification must be on: a signed request passes, the same one unsigned is refused."""
    body = body_of(envelope())
    assert asyncio.run(one(host, port, http_request(body, ca.headers(body), host, port), b"outputSpeech"))
    unsigned = http_request(body, {"Content-Type": "application/json"}, host, port)
    assert not asyncio.run(one(host, port, unsigned, b"outputSpeech")), "verification is off"


def report(name: str, result: Result) -> None:
    print(
        f"{name:<28} {result.rps:>9.1f} {result.percentile(0.50):>9.1f} {result.percentile(0.99):>9.1f}"
        f" {result.errors:>7d} {len(result.latencies):>9d}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=20.0, help="measured seconds per server")
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    if args.duration + args.warmup > 120:
        parser.error("keep duration + warmup under 120 s: request timestamps are valid for 150 s")

    ca = TestCA()
    with tempfile.TemporaryDirectory(prefix="bench-web-") as folder:
        root, chain = Path(folder, "root.pem"), Path(folder, "chain.pem")
        root.write_bytes(ca.root_pem)
        chain.write_bytes(ca.chain_pem)
        env = {
            "BACK_PAIN_GUIDE_TEST_ROOT_CA": str(root),
            "BACK_PAIN_GUIDE_TEST_CERT_CHAIN": str(chain),
            "SKILL_ID": SKILL_ID,
            "BACK_PAIN_GUIDE_DB": str(Path(folder, "state.sqlite3")),
            "BACK_PAIN_GUIDE_ENV": "development",
        }

        print(
            f"bench-web: {args.workers} workers on 127.0.0.1, {args.connections} connections, "
            f"{args.duration:.0f} s measured after {args.warmup:.0f} s warm-up, {os.cpu_count()} cores shared "
            f"with the load generator"
        )
        results: dict[str, Result] = {}
        for name, target, production in (
            ("skill, production (gevent)", "back_pain_guide.web.app:create_app()", True),
            ("skill, old command (sync)", "back_pain_guide.web.app:create_app()", False),
            ("bare Flask, fixed JSON", "bench_web:bare_app()", False),
        ):
            with gunicorn(target, args.workers, env, production) as (host, port):
                if target.startswith("back_pain_guide"):
                    preflight(host, port, ca)
                requests = signed_requests(ca, host, port, 250)
                results[name] = asyncio.run(
                    load(host, port, requests, b"outputSpeech", args.connections, args.duration, args.warmup)
                )

    print(f"{'':<28} {'req/s':>9} {'p50 ms':>9} {'p99 ms':>9} {'errors':>7} {'requests':>9}")
    for name, result in results.items():
        report(name, result)
    bare = results["bare Flask, fixed JSON"]
    for name in ("skill, production (gevent)", "skill, old command (sync)"):
        skill = results[name]
        ratio = skill.rps / bare.rps if bare.rps else float("nan")
        print(
            f"{name}: {ratio:.2f} of the bare route's requests/s; "
            f"p50 latency {skill.percentile(0.5) / bare.percentile(0.5):.1f}x"
        )
    return 0 if all(result.errors == 0 for result in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
