"""Production settings for the web service under gunicorn (from the repository root)::

    gunicorn -c gunicorn.conf.py 'back_pain_guide.web.app:create_app()'

Why these settings (measured in bench/bench_web.py and tests/web/test_hostile_traffic.py):

- gevent workers. With sync workers, four slow-loris connections kept /health from answering
  and two requests whose certificate host answered slowly held both workers. A gevent worker
  holds a waiting client or a download in a greenlet, so /health and signed requests keep
  answering while they wait.
- Deadlines: the request line and headers must arrive within ``keepalive`` seconds (then the
  connection is closed, as nginx does for a header timeout), the body and the answer within
  ``BACK_PAIN_GUIDE_REQUEST_SECONDS`` (then a JSON 408); a certificate download has its own
  5 s deadline (verify.py). ``timeout`` restarts a worker whose loop is stuck.
- Every error gunicorn itself writes (a malformed request line, headers too large, a timeout)
  is a short JSON body in the project's words, never gunicorn's HTML page.
- The skill's log records get a handler with control characters escaped (without one, their
  INFO lines went nowhere under gunicorn); LOG_LEVEL=INFO turns the per-turn lines on.

Environment: ``BIND`` (default 127.0.0.1:8080), ``WEB_WORKERS`` (default 2, one per core),
``BACK_PAIN_GUIDE_REQUEST_SECONDS`` (default 10), plus the service's own (web.py).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
from pathlib import Path

import gevent
from gunicorn import util
from gunicorn.workers.ggevent import GeventWorker

LAMBDA_DIR = str(Path(__file__).resolve().parent / "lambda")
REQUEST_SECONDS = float(os.environ.get("BACK_PAIN_GUIDE_REQUEST_SECONDS", "10"))

#: What gunicorn's own error replies say, by status, in the project's words.
ERRORS: dict[int, tuple[str, str]] = {
    400: ("bad request", "the request is not valid HTTP"),
    403: ("forbidden", "the request is not allowed"),
    408: ("request timeout", "the request took too long to arrive"),
    414: ("uri too long", "the request line is too long"),
    417: ("expectation failed", "the expectation cannot be met"),
    431: ("headers too large", "the request headers are too large"),
    500: ("internal error", "the service failed to answer this request"),
    501: ("not implemented", "the transfer coding is not supported"),
}


def json_error(status: int) -> bytes:
    """A complete HTTP reply: the status, a short JSON body, and the connection closed."""
    error, reason = ERRORS.get(status, ERRORS[500 if status >= 500 else 400])
    body = json.dumps({"error": error, "reason": reason}, separators=(",", ":")).encode("ascii")
    head = (
        f"HTTP/1.1 {status} {error.title()}\r\nConnection: close\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("ascii") + body


def write_json_error(sock, status_int: int, reason: str, mesg: str) -> None:
    """Replaces gunicorn's HTML error page (``gunicorn.util.write_error``)."""
    util.write_nonblock(sock, json_error(int(status_int)))


util.write_error = write_json_error


class SkillWorker(GeventWorker):
    """gunicorn's gevent worker with a deadline for each request and the skill's logging."""

    def load_wsgi(self) -> None:
        if LAMBDA_DIR not in sys.path:
            sys.path.insert(0, LAMBDA_DIR)
        from back_pain_guide.interceptors import EscapingFormatter
        from back_pain_guide.web.app import configure_logging

        configure_logging()
        for handler in logging.getLogger("gunicorn.error").handlers:
            handler.setFormatter(
                EscapingFormatter(
                    "%(asctime)s [%(process)d] [%(levelname)s] %(message)s", "[%Y-%m-%d %H:%M:%S %z]"
                )
            )
        super().load_wsgi()

    def handle_request(self, listener_name, req, sock, addr):
        deadline = gevent.Timeout(REQUEST_SECONDS)
        deadline.start()
        try:
            return super().handle_request(listener_name, req, sock, addr)
        except gevent.Timeout as expired:
            if expired is not deadline:
                raise
            self.log.warning("request not complete after %.0f s: answered 408", REQUEST_SECONDS)
            with contextlib.suppress(OSError):
                util.write_nonblock(sock, json_error(408))
            raise StopIteration() from None  # closes the connection
        finally:
            deadline.close()


pythonpath = LAMBDA_DIR
bind = os.environ.get("BIND", "127.0.0.1:8080")
workers = int(os.environ.get("WEB_WORKERS", "2"))
worker_class = SkillWorker
worker_connections = 1000
keepalive = 5
timeout = 30
graceful_timeout = 10
backlog = 512
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190
control_socket_disable = True  # nothing here uses it, and two services would share its path
