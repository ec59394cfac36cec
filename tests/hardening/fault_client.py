"""Run by the dependency-fault tests in a fresh process (so content and store are set up from
this process's environment, as on a Lambda cold start): sends a short conversation to
``lambda_function.handler`` and prints one JSON line per turn (speech, session end, seconds).
The skill's log goes to stderr."""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path
from xml.etree import ElementTree

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "lambda"))

TURNS = {
    "launch": lambda d: d.launch(),
    "question": lambda d: d.intent(
        "QuestionIntent", {"query": {"name": "query", "value": "does heat help my back"}}
    ),
    "checklist": lambda d: d.intent("ChecklistIntent"),
    "yes": lambda d: d.intent("AMAZON.YesIntent"),
    "emergency": lambda d: d.intent("EmergencySignIntent"),
    "stop": lambda d: d.intent("AMAZON.StopIntent"),
}


def main(turns: list[str]) -> None:
    logging.basicConfig(
        level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
    )
    import lambda_function
    from back_pain_guide.local.envelopes import Device

    device = Device(user_id="amzn1.ask.account.fault-client")
    for turn in turns:
        envelope = TURNS[turn](device)
        started = time.monotonic()
        response = lambda_function.handler(envelope, None)
        seconds = time.monotonic() - started
        device.receive(response)
        ssml = (response.get("response", {}).get("outputSpeech") or {}).get("ssml", "")
        speech = "".join(ElementTree.fromstring(ssml).itertext()) if ssml else ""
        print(
            json.dumps(
                {
                    "turn": turn,
                    "seconds": round(seconds, 3),
                    "speech": speech,
                    "end_session": response.get("response", {}).get("shouldEndSession"),
                    "version": response.get("version"),
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
