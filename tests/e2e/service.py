"""Starts the real web service on 127.0.0.1 (a free port) for end-to-end tests and benchmarks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_healthy(url: str, process: subprocess.Popen, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"service exited early with status {process.returncode}")
        try:
            with urllib.request.urlopen(url + "health", timeout=1) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("service did not become healthy in time")


@contextmanager
def running_service(*args: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """``python -m back_pain_guide.web.app --port <free> *args``; yields its base URL."""
    port = free_port()
    with tempfile.TemporaryFile(mode="w+") as log:  # a file, not a pipe: a full pipe would stall the server
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "back_pain_guide.web.app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                *args,
            ],
            cwd=ROOT / "lambda",
            env={**os.environ, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}/"
        try:
            try:
                wait_until_healthy(url, process)
            except RuntimeError as exc:
                log.seek(0)
                raise RuntimeError(f"{exc}\n{log.read()[-2000:]}") from None
            yield url
        finally:
            stop(process)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
