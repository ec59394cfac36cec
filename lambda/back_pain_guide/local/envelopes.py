"""Builds Alexa request envelopes as a device would send them (console, tests, benchmarks)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

DEFAULT_SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
DEFAULT_USER_ID = "amzn1.ask.account.LOCALCONSOLE"
APL_INTERFACE = {"Alexa.Presentation.APL": {"runtime": {"maxVersion": "2023.3"}}}


class Device:
    """One simulated device and user, keeping the session between turns like Alexa does."""

    def __init__(
        self,
        locale: str = "en-US",
        user_id: str = DEFAULT_USER_ID,
        skill_id: str = DEFAULT_SKILL_ID,
        screen: bool = False,
    ) -> None:
        self.locale, self.user_id, self.skill_id, self.screen = locale, user_id, skill_id, screen
        self.session_id: str | None = None
        self.attributes: dict[str, Any] = {}

    @property
    def in_session(self) -> bool:
        return self.session_id is not None

    def _envelope(self, request: dict[str, Any], with_session: bool = True) -> dict[str, Any]:
        new = self.session_id is None
        if new and with_session:
            self.session_id = f"amzn1.echo-api.session.{uuid.uuid4()}"
        application = {"applicationId": self.skill_id}
        user = {"userId": self.user_id}
        interfaces = dict(APL_INTERFACE) if self.screen else {}
        envelope: dict[str, Any] = {
            "version": "1.0",
            "context": {
                "System": {
                    "application": application,
                    "user": user,
                    "device": {
                        "deviceId": "amzn1.ask.device.LOCALCONSOLE",
                        "supportedInterfaces": interfaces,
                    },
                    "apiEndpoint": "https://api.amazonalexa.com",
                }
            },
            "request": {
                "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
                "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "locale": self.locale,
                **request,
            },
        }
        if with_session:
            envelope["session"] = {
                "new": new,
                "sessionId": self.session_id,
                "application": application,
                "user": user,
                "attributes": dict(self.attributes),
            }
        return envelope

    def launch(self) -> dict[str, Any]:
        self.end_session()
        return self._envelope({"type": "LaunchRequest"})

    def intent(self, name: str, slots: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
        intent = {"name": name, "confirmationStatus": "NONE", "slots": slots or {}}
        return self._envelope({"type": "IntentRequest", "dialogState": "COMPLETED", "intent": intent})

    def session_ended(self, reason: str = "USER_INITIATED") -> dict[str, Any]:
        envelope = self._envelope({"type": "SessionEndedRequest", "reason": reason})
        self.end_session()
        return envelope

    def user_event(self, arguments: list[Any]) -> dict[str, Any]:
        return self._envelope(
            {
                "type": "Alexa.Presentation.APL.UserEvent",
                "token": "backPainGuide",
                "arguments": arguments,
                "source": {"type": "TouchWrapper", "handler": "Press"},
            }
        )

    def skill_disabled(self) -> dict[str, Any]:
        return self._envelope(
            {
                "type": "AlexaSkillEvent.SkillDisabled",
                "body": {"userInformationPersistenceStatus": "NOT_PERSISTED"},
            },
            with_session=False,
        )

    def receive(self, response: dict[str, Any]) -> None:
        """Carry session attributes over while the skill keeps the session open; else end it."""
        if (response.get("response") or {}).get("shouldEndSession") is False:
            self.attributes = dict(response.get("sessionAttributes") or {})
        else:
            self.end_session()

    def end_session(self) -> None:
        self.session_id = None
        self.attributes = {}


def slot(
    name: str,
    value: str | None = None,
    resolved_id: str | None = None,
    resolved_name: str | None = None,
    slot_type: str = "",
    skill_id: str = DEFAULT_SKILL_ID,
) -> dict[str, Any]:
    """One slot as Alexa sends it, with entity resolution for custom slot types."""
    data: dict[str, Any] = {"name": name, "confirmationStatus": "NONE"}
    if value is None:
        return data
    data.update(value=value, source="USER")
    if slot_type and not slot_type.startswith("AMAZON."):
        authority = f"amzn1.er-authority.echo-sdk.{skill_id}.{slot_type}"
        if resolved_id:
            resolution = {
                "authority": authority,
                "status": {"code": "ER_SUCCESS_MATCH"},
                "values": [{"value": {"name": resolved_name or value, "id": resolved_id}}],
            }
        else:
            resolution = {"authority": authority, "status": {"code": "ER_SUCCESS_NO_MATCH"}}
        data["resolutions"] = {"resolutionsPerAuthority": [resolution]}
    return data
