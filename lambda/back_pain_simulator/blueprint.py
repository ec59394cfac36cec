"""The test page's Flask blueprint: the page at ``/``, its files, and ``POST /simulator/turn``.

Registered by :func:`back_pain_guide.web.create_app` only with ``simulator=True``, which needs
verification off and is refused in production: the page drives the skill without signatures.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from flask import Blueprint, Response, render_template, request

from back_pain_guide.content import get_content
from back_pain_guide.local.envelopes import DEFAULT_USER_ID

from .apl_preview import ECHO_SHOW, Viewport
from .turns import DEVICES, BadTurn, SkillHandler, parse_turn, run_turn

logger = logging.getLogger("back_pain_simulator")
MAX_BODY_BYTES = 256 * 1024  # session attributes travel with every turn; the skill's are a few KB
TURN_URL = "/simulator/turn"
# The page loads its own script and stylesheet only; the preview's inline style attributes need
# 'unsafe-inline' for styles, never for scripts.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def _json(payload: dict[str, Any], status: int) -> Response:
    return Response(json.dumps(payload, ensure_ascii=False), status=status, mimetype="application/json")


def _refuse(status: int, error: str, reason: str) -> Response:
    return _json({"error": error, "reason": reason}, status)


def _not_json(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def create_blueprint(
    handler: SkillHandler, *, user_id: str = DEFAULT_USER_ID, viewport: Viewport = ECHO_SHOW
) -> Blueprint:
    """The page and its endpoint, sending every turn to ``handler`` (the skill's lambda_handler)."""
    blueprint = Blueprint(
        "simulator",
        __name__,
        static_folder="static",
        static_url_path="/simulator/static",
        template_folder="templates",
    )
    locales = {code: info.country for code, info in get_content().locales.items()}

    @blueprint.get("/")
    def page() -> str:
        return render_template(
            "simulator.html", locales=locales, devices=DEVICES, turn_url=TURN_URL, viewport=viewport
        )

    @blueprint.post(TURN_URL)
    def turn() -> Response:
        if not request.is_json:
            return _refuse(415, "unsupported media type", "send the turn as application/json")
        if (request.content_length or 0) > MAX_BODY_BYTES:
            return _refuse(413, "request entity too large", f"the body is over {MAX_BODY_BYTES} bytes")
        raw = request.stream.read(MAX_BODY_BYTES + 1)
        if len(raw) > MAX_BODY_BYTES:
            return _refuse(413, "request entity too large", f"the body is over {MAX_BODY_BYTES} bytes")
        try:
            body = json.loads(raw, parse_constant=_not_json)
        except (ValueError, RecursionError):
            return _refuse(400, "bad request", "the body is not JSON")
        try:
            checked = parse_turn(body, locales)
        except BadTurn as exc:
            return _refuse(400, "bad request", str(exc))
        try:
            return _json(run_turn(checked, handler, user_id, viewport), 200)
        except Exception as exc:  # the skill answers everything itself; this is a bug worth showing
            logger.exception("the skill failed on a test page turn")
            return _refuse(500, "skill error", f"the skill raised {type(exc).__name__}: {exc}")

    @blueprint.after_request
    def security_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    return blueprint
