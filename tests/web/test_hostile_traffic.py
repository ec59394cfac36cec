"""The production command (``gunicorn -c gunicorn.conf.py``) under hostile traffic, on 127.0.0.1.

Slow clients and a slow certificate host must not stop /health or signed requests from
being answered; every error, timeouts included, is a short JSON body; the skill's log lines
appear under gunicorn, one escaped line each. The service trusts a throwaway CA and
downloads chains from a local HTTPS host (test hooks, refused in production).
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from certhost import cert_host
from service import free_port, stop, wait_until_healthy
from testca import SKILL_ID, body_of, envelope

ROOT = Path(__file__).resolve().parents[2]
GOOD_URL = "https://s3.amazonaws.com/echo.api/good.pem"
REQUEST_SECONDS = 6  # longer than a certificate download's 5 s deadline, as in production
NAN_BODY = b'{"version": "1.0", "request": {"type": "LaunchRequest"}, "x": NaN}'


class Service:
    def __init__(self, port: int, log: Path) -> None:
        self.port, self.log = port, log

    def raw(self, data: bytes, timeout: float = 15.0) -> tuple[int, bytes, float]:
        """Send bytes, read until the server closes; (status, body, seconds taken)."""
        started = time.monotonic()
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as connection:
            connection.sendall(data)
            reply = b""
            while chunk := connection.recv(65536):
                reply += chunk
        head, _, body = reply.partition(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/1.1 ") else 0
        return status, body, time.monotonic() - started

    def post(self, body: bytes, headers: dict[str, str]) -> tuple[int, bytes, float]:
        lines = [
            "POST / HTTP/1.1",
            "Host: localhost",
            f"Content-Length: {len(body)}",
            "Connection: close",
            *(f"{k}: {v}" for k, v in headers.items()),
        ]
        return self.raw(("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + body)

    def health(self) -> tuple[int, float]:
        started = time.monotonic()
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=10) as reply:
            return reply.status, time.monotonic() - started


@pytest.fixture(scope="module")
def production(tmp_path_factory, ca):
    folder = tmp_path_factory.mktemp("production")
    (folder / "root.pem").write_bytes(ca.root_pem)
    with cert_host(ca, folder) as host:
        port = free_port()
        env = {
            **os.environ,
            "BIND": f"127.0.0.1:{port}",
            "WEB_WORKERS": "2",
            "LOG_LEVEL": "INFO",
            "SKILL_ID": SKILL_ID,
            "BACK_PAIN_GUIDE_ENV": "development",
            "BACK_PAIN_GUIDE_TEST_ROOT_CA": str(folder / "root.pem"),
            "BACK_PAIN_GUIDE_TEST_CERT_HOST": f"{host.address[0]}:{host.address[1]}",
            "BACK_PAIN_GUIDE_DB": str(folder / "state.sqlite3"),
            "BACK_PAIN_GUIDE_REQUEST_SECONDS": str(REQUEST_SECONDS),
        }
        log = folder / "gunicorn.log"
        with log.open("w") as sink:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "-c",
                    "gunicorn.conf.py",
                    "--keep-alive",
                    "2",
                    "back_pain_guide.web.app:create_app()",
                ],
                cwd=ROOT,
                env=env,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
            try:
                try:
                    wait_until_healthy(f"http://127.0.0.1:{port}/", process, timeout=30)
                except RuntimeError as exc:
                    raise RuntimeError(f"{exc}\n{log.read_text()[-3000:]}") from None
                yield Service(port, log)
            finally:
                stop(process)


def signed(ca, url: str = GOOD_URL, **kwargs) -> tuple[bytes, dict[str, str]]:
    body = body_of(envelope(**kwargs))
    return body, ca.headers(body, url=url)


def assert_json_error(status: int, body: bytes, expected: int) -> dict:
    assert status == expected, body
    assert b"<html" not in body.lower() and len(body) < 200
    payload = json.loads(body)
    assert set(payload) == {"error", "reason"}
    return payload


def keeps_answering(service: Service, ca, seconds: float) -> list[float]:
    """/health and a signed launch, one after the other, for ``seconds``; their times."""
    times: list[float] = []
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        status, took = service.health()
        assert status == 200
        times.append(took)
        status, reply, took = service.post(*signed(ca))
        assert status == 200 and b"outputSpeech" in reply, reply[:300]
        times.append(took)
    return times


def test_slow_clients_do_not_stop_health_or_signed_requests(production, ca):
    """Before (2 sync workers): four slow-loris connections made /health fail 14 of 15 times."""
    production.post(*signed(ca))  # the chain is downloaded and cached
    stopping = threading.Event()
    lorises: list[socket.socket] = []
    bodies: list[socket.socket] = []
    for _ in range(40):  # request line and headers, a byte at a time
        connection = socket.create_connection(("127.0.0.1", production.port))
        connection.sendall(b"POST / HTTP/1.1\r\nHost: x\r\n")
        lorises.append(connection)
    for _ in range(4):  # complete headers, then the body a byte at a time
        connection = socket.create_connection(("127.0.0.1", production.port))
        connection.sendall(
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"
        )
        bodies.append(connection)

    answered: set[socket.socket] = set()

    def drip() -> None:
        while not stopping.wait(0.4):
            for connection in lorises + bodies:
                if connection in answered:
                    continue
                # Once the server has answered (and is closing), a further byte would only draw
                # a TCP reset that can discard the answer before the test reads it.
                if select.select([connection], [], [], 0)[0]:
                    answered.add(connection)
                    continue
                with contextlib.suppress(OSError):
                    connection.sendall(b"X" if connection in lorises else b" ")

    dripper = threading.Thread(target=drip, daemon=True)
    dripper.start()
    try:
        times = keeps_answering(production, ca, 4.0)
        assert len(times) >= 4 and max(times) < 3.0, times
        # The slow bodies get a JSON 408 once the request deadline passes.
        for connection in bodies:
            connection.settimeout(REQUEST_SECONDS + 10)
            reply = b""
            while chunk := connection.recv(4096):
                reply += chunk
            head, _, body = reply.partition(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 408")
            assert_json_error(408, body, 408)
        # The slow headers were cut off after the keep-alive deadline, with no HTML.
        for connection in lorises:
            connection.settimeout(5)
            try:
                rest = connection.recv(4096)
            except (TimeoutError, ConnectionResetError):
                rest = b""
            assert b"<html" not in rest.lower()
    finally:
        stopping.set()
        dripper.join(2)
        for connection in lorises + bodies:
            connection.close()


def test_a_slow_certificate_host_does_not_stop_health_or_signed_requests(production, ca):
    """Before: two requests whose certificate host answered slowly held both sync workers for
    30 s, then got a 500 with an HTML body."""
    production.post(*signed(ca))
    with ThreadPoolExecutor(2) as pool:
        slow = [
            pool.submit(production.post, *signed(ca, url=f"https://s3.amazonaws.com/echo.api/slow-{n}.pem"))
            for n in range(2)
        ]
        time.sleep(0.3)
        times = keeps_answering(production, ca, 3.0)
        assert max(times) < 3.0, times
        for future in slow:
            status, body, took = future.result(timeout=20)
            payload = assert_json_error(status, body, 400)
            assert payload["reason"] == "certificate chain download took too long"
            assert took < 8.0


@pytest.mark.parametrize(
    "raw,expected",
    [
        (b"GARBAGE\r\n\r\n", 400),
        (b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        (b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n", 431),
        (b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 400),
        (b"GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 404),
        (b"DELETE / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 405),
        (
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s"
            % (len(NAN_BODY), NAN_BODY),
            400,
        ),
    ],
)
def test_every_error_is_short_json(production, raw, expected):
    status, body, _ = production.raw(raw)
    assert_json_error(status, body, expected)


def test_signed_answers_are_strict_json(production, ca):
    status, body, _ = production.post(*signed(ca))
    assert status == 200
    json.loads(body, parse_constant=lambda name: pytest.fail(f"{name} in a reply"))


def test_skill_log_lines_appear_under_gunicorn_one_escaped_line_each(production, ca):
    """Before: the INFO lines did not appear under gunicorn, and a newline in a locale forged a line."""
    body, headers = signed(ca, locale="en-US\nFORGED 2026 back_pain_guide INFO request ok")
    status, _, _ = production.post(body, headers)
    assert status == 200
    lines = production.log.read_text().splitlines()
    assert any("back_pain_guide.requests INFO request type=LaunchRequest" in line for line in lines)
    assert any("locale=en-US\\x0aFORGED" in line for line in lines)
    assert not any(line.startswith("FORGED") for line in lines)
