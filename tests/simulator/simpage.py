"""Helpers for the test page's tests: the app as `make simulator` builds it, and a client that sends
turns as the page does."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from back_pain_guide.skill import lambda_handler
from back_pain_guide.web.app import create_app
from back_pain_simulator import create_blueprint

TURN_URL = "/simulator/turn"


def simulator_app(user_id: str | None = None) -> Flask:
    """The service as `make simulator` builds it, with a user of its own so greetings do not depend on
    what other tests stored (create_app registers the page with the default local user)."""
    app = create_app(verify=False, environ={}, handler=lambda_handler)
    app.register_blueprint(
        create_blueprint(lambda_handler, user_id=user_id or f"amzn1.ask.account.sim-{uuid.uuid4()}")
    )
    return app


class PageClient:
    """Sends turns as the page does and keeps the tab's session."""

    def __init__(self, client: FlaskClient, locale: str = "en-US", device: str = "voice") -> None:
        self.client, self.locale, self.device = client, locale, device
        self.session: dict[str, Any] | None = None
        self.last: dict[str, Any] = {}

    def turn(self, **fields: Any) -> dict[str, Any]:
        body = {"locale": self.locale, "device": self.device, "session": self.session, **fields}
        reply = self.client.post(TURN_URL, json=body)
        assert reply.status_code == 200, reply.get_data(as_text=True)
        self.last = reply.get_json()
        self.session = self.last["session"]
        return self.last

    def say(self, utterance: str) -> str:
        return self.turn(utterance=utterance)["speech"]["text"]

    def touch(self, *arguments: Any) -> str:
        return self.turn(event=list(arguments))["speech"]["text"]
