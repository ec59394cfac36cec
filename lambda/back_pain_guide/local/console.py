"""The local console: type what you would say, hear what Alexa would say.

Behaves like the Test tab of the Alexa developer console: utterances are resolved against
interaction_model/<locale>.json, sent as real request envelopes (session attributes carried
over) to the same handler Lambda calls, and the speech and card are printed.

    python -m back_pain_guide.local.console                 # interactive, starts with a LaunchRequest
    python -m back_pain_guide.local.console -u "open back pain guide" -u "what causes sciatica"
    python -m back_pain_guide.local.console --screen -u "check my symptoms" -u "(tap no)"   # touch a screen button
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Iterable
from typing import Any, TextIO

from .envelopes import Device
from .nlu import UtteranceResolver, resolver_for

_TAGS = re.compile(r"<[^>]+>")
_QUIT_WORDS = {"quit", "exit", ":q"}
_TAP = re.compile(r"^\(tap (\w+)\)$")  # "(tap yes)": touch that answer button on the checklist screen


def speech_text(output_speech: dict[str, Any] | None) -> str:
    """What a listener hears: the SSML without its tags, entities decoded."""
    if not output_speech:
        return ""
    text = output_speech.get("ssml") or output_speech.get("text") or ""
    text = _TAGS.sub("", text)
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )


class Console:
    """Turns utterances into envelopes, sends them, and keeps the device's session."""

    def __init__(
        self,
        handler: Callable[[dict[str, Any], Any], dict[str, Any]],
        locale: str = "en-US",
        screen: bool = False,
        user_id: str | None = None,
    ) -> None:
        self.handler = handler
        self.device = Device(locale=locale, screen=screen, **({"user_id": user_id} if user_id else {}))
        self.resolver: UtteranceResolver = resolver_for(locale)
        invocation = self.resolver.invocation_name
        self._open = re.compile(rf"^(?:alexa )?(?:open|start|launch|run|begin) {re.escape(invocation)}$")
        self._one_shot = re.compile(
            rf"^(?:alexa )?(?:ask|tell) {re.escape(invocation)} (?:to |about |if |whether )?(.+)$"
        )

    def envelope_for(self, utterance: str) -> dict[str, Any]:
        text = " ".join(utterance.lower().replace("&", " and ").split())  # "A&E" is said "A and E"
        tap = _TAP.match(text)
        if tap and self.device.screen:
            return self.device.user_event(["answer", tap.group(1)])
        if self._open.match(text):
            return self.device.launch()
        one_shot = self._one_shot.match(text)
        if one_shot:
            self.device.end_session()
            text = one_shot.group(1)
        elif text.startswith("alexa "):  # the wake word wakes the device; it is not sent to the skill
            text = text[len("alexa ") :]
        resolution = self.resolver.resolve(text)
        return self.device.intent(resolution.intent, resolution.request_slots(self.device.skill_id))

    def send(self, envelope: dict[str, Any]) -> dict[str, Any]:
        response = self.handler(envelope, None)
        self.device.receive(response)
        return response

    def say(self, utterance: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """One turn: the request envelope sent and the response envelope received."""
        envelope = self.envelope_for(utterance)
        return envelope, self.send(envelope)


def print_turn(request: dict[str, Any], response: dict[str, Any], show_json: bool, out: TextIO) -> None:
    if show_json:
        out.write("--- request ---\n" + json.dumps(request, indent=2) + "\n")
        out.write("--- response ---\n" + json.dumps(response, indent=2) + "\n")
    body = response.get("response") or {}
    if request["request"]["type"] == "IntentRequest":
        intent = request["request"]["intent"]
        slots = {k: v.get("value") for k, v in intent.get("slots", {}).items() if v.get("value")}
        out.write(f"  [{intent['name']}{' ' + json.dumps(slots) if slots else ''}]\n")
    elif request["request"]["type"] == "Alexa.Presentation.APL.UserEvent":
        out.write(f"  [Touch {json.dumps(request['request'].get('arguments'))}]\n")
    out.write(f"Alexa: {speech_text(body.get('outputSpeech'))}\n")
    card = body.get("card")
    if card:
        out.write(f"  [Card: {card.get('title', '')}]\n")
        for line in (card.get("content") or card.get("text") or "").splitlines():
            out.write(f"    {line}\n")
    for directive in body.get("directives") or []:
        out.write(f"  [Directive: {directive.get('type')}]\n")
    if body.get("shouldEndSession") is not False:
        out.write("  (session ended)\n")


def run(utterances: Iterable[str] | None, console: Console, show_json: bool, out: TextIO = sys.stdout) -> int:
    scripted = list(utterances) if utterances is not None else None
    if scripted is None or (
        scripted
        and not console._open.match(" ".join(scripted[0].lower().split()))
        and not console._one_shot.match(" ".join(scripted[0].lower().split()))
    ):
        request = console.device.launch()
        print_turn(request, console.send(request), show_json, out)
    if scripted is not None:
        for utterance in scripted:
            out.write(f"You: {utterance}\n")
            print_turn(*console.say(utterance), show_json, out)
        return 0
    out.write("(type what you would say; 'quit' to leave)\n")
    while True:
        try:
            utterance = input("You: ").strip()
        except (EOFError, KeyboardInterrupt):
            out.write("\n")
            return 0
        if utterance.lower() in _QUIT_WORDS:
            return 0
        if utterance:
            print_turn(*console.say(utterance), show_json, out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m back_pain_guide.local.console", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "-u",
        "--utterance",
        action="append",
        dest="utterances",
        help="say this (repeatable); runs them in order and exits",
    )
    parser.add_argument("--locale", default="en-US", help="request locale, e.g. en-GB (default en-US)")
    parser.add_argument("--json", action="store_true", help="show request and response envelopes")
    parser.add_argument("--screen", action="store_true", help="simulate a device with a screen (APL)")
    parser.add_argument("--user", default=None, help="user ID to send (default: a fixed local user)")
    args = parser.parse_args(argv)
    from ..skill import lambda_handler  # imported here so --help stays instant

    console = Console(lambda_handler, locale=args.locale, screen=args.screen, user_id=args.user)
    return run(args.utterances, console, args.json)


if __name__ == "__main__":
    sys.exit(main())
