"""A real DynamoDB-compatible server for tests: dynalite (npm, pinned in package-lock.json).

Started from ``node_modules/.bin/dynalite`` (``npm ci`` installs it) on a free 127.0.0.1
port, in memory, with table creation instant; stopped (or killed) by the test that owns it.
"""

from __future__ import annotations

import socket
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any

import boto3

ROOT = Path(__file__).resolve().parents[2]
EXECUTABLE = ROOT / "node_modules" / ".bin" / "dynalite"
DUMMY_CREDENTIALS = {"aws_access_key_id": "test", "aws_secret_access_key": "test", "region_name": "us-east-1"}


class DynaliteMissing(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Dynalite:
    """One dynalite process. ``start()`` retries on another port if the chosen one was taken."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = None
        self.port = 0

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 15.0, port: int = 0) -> Dynalite:
        """Start on ``port`` (a restart after a kill), or on a free one."""
        if not EXECUTABLE.exists():
            raise DynaliteMissing(f"{EXECUTABLE} not found: run `npm ci` in {ROOT} first")
        for _ in range(1 if port else 3):
            self.port = port or free_port()
            self.process = subprocess.Popen(
                [
                    str(EXECUTABLE),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--createTableMs",
                    "0",
                    "--deleteTableMs",
                    "0",
                    "--updateTableMs",
                    "0",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                cwd=ROOT,
            )
            if self._wait_listening(timeout):
                return self
            self.stop()
        raise RuntimeError("dynalite did not start")

    def _wait_listening(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                return False
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return True
            except OSError:
                time.sleep(0.05)
        return False

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL); safe to call twice."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.process = None

    def kill(self) -> None:
        """Kill the server abruptly, as a crash would."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=5)
        self.process = None

    def resource(self, **config: Any) -> Any:
        """A plain boto3 resource for this server (dummy credentials)."""
        return boto3.resource("dynamodb", endpoint_url=self.endpoint_url, **DUMMY_CREDENTIALS, **config)


def new_table_name() -> str:
    return f"back-pain-guide-test-{uuid.uuid4().hex[:12]}"
