"""The skill as an HTTPS-ready web service (Flask), with Alexa request verification.

Run locally::

    cd lambda && python -m back_pain_guide.web.app [--host 127.0.0.1] [--port 8080] [--no-verify]

Run in production (from the repository root; settings and their reasons in gunicorn.conf.py:
gevent workers, so slow clients and a slow certificate host hold a greenlet, not a worker)::

    gunicorn -c gunicorn.conf.py 'back_pain_guide.web.app:create_app()'

POST ``/`` runs the request through :func:`back_pain_guide.skill.lambda_handler`, the
same entry point Lambda uses; GET ``/health`` answers ``{"status": "ok"}``. Anything that
is not a verified Alexa request envelope gets a 400 with a short JSON reason in the
project's own words; every other error (including a timeout) is a short JSON 4xx/5xx too.
JSON is strict both ways: ``NaN`` and ``Infinity`` are refused in a request and never sent.

Configuration (flask-ask-sdk's names): ``VERIFY_SIGNATURE`` and ``VERIFY_TIMESTAMP`` in
``app.config`` (both on by default), the skill ID from ``SKILL_ID``. Environment:
``BACK_PAIN_GUIDE_ENV=production`` marks production, where ``--no-verify`` and the test
trust hooks (``BACK_PAIN_GUIDE_TEST_ROOT_CA``, ``BACK_PAIN_GUIDE_TEST_CERT_CHAIN``, used by
the load benchmark to sign with a test CA, and ``BACK_PAIN_GUIDE_TEST_CERT_HOST``, a
``host:port`` that serves certificate chains over HTTPS with the test CA, used by the
slow-certificate-host test) are refused.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import ssl
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from ..content import ContentError, get_content
from ..interceptors import EscapingFormatter, printable
from .verify import (
    VERIFY_SIGNATURE_APP_CONFIG,
    VERIFY_TIMESTAMP_APP_CONFIG,
    CertificateFetcher,
    ChainDownloader,
    RequestVerifier,
    VerificationError,
    load_pem_certificates,
    system_roots,
)

logger = logging.getLogger("back_pain_guide.web.app")

ENV_VAR = "BACK_PAIN_GUIDE_ENV"
SKILL_ID_VAR = "SKILL_ID"
TEST_ROOT_VAR = "BACK_PAIN_GUIDE_TEST_ROOT_CA"
TEST_CHAIN_VAR = "BACK_PAIN_GUIDE_TEST_CERT_CHAIN"
TEST_CERT_HOST_VAR = "BACK_PAIN_GUIDE_TEST_CERT_HOST"
MAX_BODY_BYTES = 128 * 1024  # Alexa requests are a few KB; this leaves room for display context

SkillHandler = Callable[[dict, Any], dict]


class ConfigurationError(RuntimeError):
    """The service was asked to run in a way that is unsafe where it is."""


def is_production(environ: Mapping[str, str] = os.environ) -> bool:
    return environ.get(ENV_VAR, "").strip().lower() in {"production", "prod"}


LOG_FORMAT = "%(asctime)s %(name)s %(levelname)s %(message)s"

#: What the service says for the errors Flask and Werkzeug raise, in its own words.
HTTP_ERRORS: dict[int, tuple[str, str]] = {
    400: ("bad request", "the request could not be read"),
    404: ("not found", "only POST / and GET /health are served"),
    405: ("method not allowed", "only POST / and GET /health are served"),
    408: ("request timeout", "the request took too long to arrive"),
    413: ("payload too large", "body too large"),
    415: ("unsupported media type", "the body must be JSON"),
    500: ("internal error", "the service failed to answer this request"),
    503: ("unavailable", "the service is busy; try again"),
}


class NotStrictJson(ValueError):
    """NaN, Infinity or -Infinity, which Python's json accepts and JSON does not."""


def _refuse_constant(name: str) -> Any:
    raise NotStrictJson(name)


def _json(payload: dict[str, Any], status: int) -> Response:
    return Response(
        json.dumps(payload, separators=(",", ":"), allow_nan=False),
        status=status,
        mimetype="application/json",
    )


def error_response(status: int, reason: str | None = None) -> Response:
    error, default_reason = HTTP_ERRORS.get(status, HTTP_ERRORS[500 if status >= 500 else 400])
    return _json({"error": error, "reason": reason or default_reason}, status)


def bad_request(reason: str) -> Response:
    return error_response(400, reason)


def configure_logging(level: int | str | None = None) -> logging.Handler:
    """Send the skill's and the service's log records to stderr, one escaped line each.

    Used by ``main`` and by gunicorn.conf.py: without a handler of its own, the
    ``back_pain_guide`` logger's INFO lines go nowhere under gunicorn. The level stays
    what LOG_LEVEL set (see skill.py) unless ``level`` is given.
    """
    package = logging.getLogger("back_pain_guide")
    for existing in package.handlers:
        if getattr(existing, "back_pain_guide", False):
            return existing
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(EscapingFormatter(LOG_FORMAT))
    handler.back_pain_guide = True  # type: ignore[attr-defined]
    package.addHandler(handler)
    if level is not None:
        package.setLevel(level)
    elif package.level == logging.NOTSET:
        package.setLevel(os.environ.get("LOG_LEVEL", "WARNING").upper())
    return handler


def _read_file(path: str) -> bytes:
    return Path(path).read_bytes()


def _test_trust_hooks(environ: Mapping[str, str]) -> tuple[list | None, CertificateFetcher | None]:
    """Extra roots, a local chain file or a local certificate host for tests and benchmarks;
    refused in production."""
    root_path, chain_path = environ.get(TEST_ROOT_VAR), environ.get(TEST_CHAIN_VAR)
    cert_host = environ.get(TEST_CERT_HOST_VAR)
    if not root_path and not chain_path and not cert_host:
        return None, None
    if is_production(environ):
        raise ConfigurationError(
            f"{TEST_ROOT_VAR}/{TEST_CHAIN_VAR}/{TEST_CERT_HOST_VAR} are test hooks and refused in production"
        )
    roots = None
    if root_path:
        roots = system_roots() + load_pem_certificates(_read_file(root_path))
        logger.warning("trusting test root certificates from %s", root_path)
    fetcher: CertificateFetcher | None = None
    if chain_path:
        chain = _read_file(chain_path)
        fetcher = lambda url: chain  # noqa: E731 (URL rules are still applied before this)
        logger.warning("serving the certificate chain from %s for every certificate URL", chain_path)
    elif cert_host:
        host, _, port = cert_host.rpartition(":")
        context = ssl.create_default_context(
            cadata=_read_file(root_path).decode("ascii") if root_path else None
        )
        fetcher = ChainDownloader(address=(host, int(port)), context=context)
        logger.warning("downloading certificate chains from %s", cert_host)
    return roots, fetcher


def looks_like_envelope(payload: Any) -> bool:
    """The minimum every Alexa request envelope has: a version and a typed request."""
    if not isinstance(payload, dict) or not isinstance(payload.get("version"), str):
        return False
    inner = payload.get("request")
    return isinstance(inner, dict) and isinstance(inner.get("type"), str) and bool(inner["type"])


def create_app(
    *,
    verify: bool = True,
    skill_id: str | None = None,
    verifier: RequestVerifier | None = None,
    handler: SkillHandler | None = None,
    environ: Mapping[str, str] | None = None,
    simulator: bool = False,
) -> Flask:
    """Build the Flask app.

    ``verify=False`` turns off signature and timestamp checks (local tools that cannot
    sign) and is refused in production. ``verifier`` and ``handler`` are injectable for
    tests; by default the verifier trusts the system's roots and downloads chains over
    HTTPS, and the handler is the skill's ``lambda_handler``. ``simulator=True`` adds the local
    test page (GET ``/``, back_pain_simulator); it needs ``verify=False``, so production refuses it.
    """
    environ = os.environ if environ is None else environ
    production = is_production(environ)
    if not verify and production:
        raise ConfigurationError(f"request verification cannot be turned off when {ENV_VAR}=production")
    if simulator and verify:
        raise ConfigurationError("the test page drives the skill unsigned: it needs verification off")
    skill_id = skill_id if skill_id is not None else (environ.get(SKILL_ID_VAR) or None)
    if production and not skill_id:
        raise ConfigurationError(
            f"set {SKILL_ID_VAR} in production, so requests for other skills are refused"
        )

    app = Flask(__name__)
    app.config.setdefault(VERIFY_SIGNATURE_APP_CONFIG, verify)
    app.config.setdefault(VERIFY_TIMESTAMP_APP_CONFIG, verify)
    app.config["SKILL_ID"] = skill_id
    if verifier is None:
        roots, fetcher = _test_trust_hooks(environ)
        verifier = RequestVerifier(skill_id, roots=roots, fetcher=fetcher)
    if handler is None:
        from ..skill import lambda_handler

        handler = lambda_handler
        get_content()  # broken content stops the service here, with the file and field named
    skill_handler: SkillHandler = handler

    @app.get("/health")
    def health() -> Response:
        return _json({"status": "ok"}, 200)

    @app.post("/")
    def invoke_skill() -> Response:
        if (request.content_length or 0) > MAX_BODY_BYTES:
            return bad_request("body too large")
        body = request.stream.read(MAX_BODY_BYTES + 1)  # chunked bodies have no length up front
        if len(body) > MAX_BODY_BYTES:
            return bad_request("body too large")
        try:
            payload = json.loads(body, parse_constant=_refuse_constant)
        except NotStrictJson:
            return bad_request("body is not strict JSON (NaN or Infinity)")
        except RecursionError:
            return bad_request("body is nested too deeply")
        except ValueError:
            return bad_request("body is not JSON")
        if not looks_like_envelope(payload):
            return bad_request("body is not an Alexa request envelope")
        try:  # production always verifies, whatever the config says
            verifier.verify(
                request.headers,
                body,
                payload,
                signature=production or bool(app.config[VERIFY_SIGNATURE_APP_CONFIG]),
                timestamp=production or bool(app.config[VERIFY_TIMESTAMP_APP_CONFIG]),
            )
        except VerificationError as exc:
            logger.warning("request refused: %s", printable(exc.reason, 200))
            return error_response(exc.status, exc.reason)
        return _json(skill_handler(payload, None), 200)  # a NaN in the reply is a 500, never sent

    if simulator:  # the local test page (issue #23): the same handler, through the console's resolver
        from back_pain_simulator import create_blueprint

        app.register_blueprint(create_blueprint(skill_handler))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        return error_response(exc.code or 500)

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception) -> Response:
        logger.error("request failed: %s", type(exc).__name__)
        return error_response(500)

    return app


def __getattr__(name: str) -> Any:
    """``back_pain_guide.web.app:app`` for WSGI servers, built on first use."""
    if name == "app":
        globals()["app"] = built = create_app()
        return built
    raise AttributeError(name)


NO_VERIFY_WARNING = """
************************************************************************
*  WARNING: Alexa request verification is OFF (--no-verify).           *
*  Anyone who can reach this port can drive the skill. Use it only     *
*  for local tools that cannot sign requests; never expose this port.  *
************************************************************************
"""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m back_pain_guide.web.app", description="Serve the Back Pain Guide skill over HTTP."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument(
        "--no-verify", action="store_true", help="skip signature and timestamp checks (refused in production)"
    )
    args = parser.parse_args(argv)
    configure_logging()
    if args.no_verify:
        if is_production():
            print(f"refusing --no-verify: {ENV_VAR} marks this as production", file=sys.stderr)
            return 2
        print(NO_VERIFY_WARNING, file=sys.stderr, flush=True)
    try:
        app = create_app(verify=not args.no_verify)
    except (ConfigurationError, ContentError) as exc:
        print(f"refusing to start: {exc}", file=sys.stderr)
        return 2
    app.run(host=args.host, port=args.port, threaded=True, debug=False, use_reloader=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
