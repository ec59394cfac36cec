#!/usr/bin/env python3
"""Generates interaction_model/<locale>.json from interaction_model/source/model.json and the content.

One source of truth: topic slot values (ids, names, synonyms) come from content/back_pain.json,
and so do the EmergencySignIntent samples. `--check` exits 1 when a generated file is stale.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "interaction_model" / "source" / "model.json"
CONTENT = ROOT / "content" / "back_pain.json"
LOCALES = ("en-US",)


def _slot_value(text: str) -> str:
    """A topic title as a speakable slot value: lower case, no punctuation."""
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text.lower()).split())


def topic_type(content: dict) -> dict:
    values = []
    for topic in content["topics"]:
        name = _slot_value(topic["title"])
        synonyms = [s for s in dict.fromkeys(topic["synonyms"]) if s != name]
        values.append({"id": topic["id"], "name": {"value": name, "synonyms": synonyms}})
    return {"name": "TopicType", "values": values}


def build_model(locale: str, source: dict | None = None, content: dict | None = None) -> dict:
    """The ASK interaction model for one locale."""
    source = source or json.loads(SOURCE.read_text(encoding="utf-8"))
    content = content or json.loads(CONTENT.read_text(encoding="utf-8"))
    intents = [
        {"name": i["name"], "slots": i["slots"], "samples": i["samples"]} for i in source["intents"]
    ]
    emergency_samples = [u for sign in content["emergency_signs"] for u in sign["utterances"]]
    first_builtin = next(i for i, intent in enumerate(intents) if intent["name"].startswith("AMAZON."))
    intents.insert(first_builtin, {"name": "EmergencySignIntent", "slots": [], "samples": emergency_samples})
    return {
        "interactionModel": {
            "languageModel": {
                "invocationName": source["invocation_name"],
                "intents": intents,
                "types": [topic_type(content)],
            }
        }
    }


def render(model: dict) -> str:
    return json.dumps(model, indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if a generated file is out of date")
    args = parser.parse_args()
    stale = []
    for locale in LOCALES:
        target = ROOT / "interaction_model" / f"{locale}.json"
        text = render(build_model(locale))
        if args.check:
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                stale.append(target.name)
        else:
            target.write_text(text, encoding="utf-8")
            print(f"wrote {target.relative_to(ROOT)}")
    if stale:
        print("stale, run `make models`: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
