"""What the page says aloud: SSML turned into text to speak and the pauses between.

The browser's speech synthesis reads plain text, so the tags are stripped; a ``<break>``
becomes a pause of its ``time`` (or ``strength``), paragraphs and sentences end with the pause
Alexa leaves after them, ``<sub alias>`` is said as its alias, and ``<audio>`` is skipped.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from typing import Any

# Pauses in milliseconds: Alexa's documented break strengths, and what it leaves after <p> and <s>.
STRENGTH_MS = {"none": 0, "x-weak": 0, "weak": 250, "medium": 400, "strong": 750, "x-strong": 1000}
AFTER_MS = {"p": 750, "s": 400}
MAX_BREAK_MS = 10_000  # SSML's own limit on one break
_TIME = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s)\s*$")


class SsmlError(ValueError):
    """Speech that is not well-formed SSML."""


def _break_ms(element: ElementTree.Element) -> int:
    time = _TIME.match(element.get("time", ""))
    if time:
        value = float(time.group(1)) * (1000 if time.group(2) == "s" else 1)
        return int(min(value, MAX_BREAK_MS))
    return STRENGTH_MS.get(element.get("strength", "medium"), STRENGTH_MS["medium"])


def segments(output_speech: dict[str, Any] | None) -> list[dict[str, Any]]:
    """``[{"say": text} | {"pause": ms}, ...]`` for an outputSpeech object (SSML or PlainText)."""
    if not output_speech:
        return []
    if output_speech.get("type") == "PlainText" or "ssml" not in output_speech:
        text = " ".join(str(output_speech.get("text") or "").split())
        return [{"say": text}] if text else []
    try:
        root = ElementTree.fromstring(str(output_speech["ssml"]))
    except ElementTree.ParseError as exc:
        raise SsmlError(f"the speech is not well-formed SSML: {exc}") from exc
    found: list[dict[str, Any]] = []

    def say(text: str | None) -> None:
        words = " ".join((text or "").split())
        if not words:
            return
        if found and "say" in found[-1]:
            found[-1]["say"] += " " + words
        else:
            found.append({"say": words})

    def pause(ms: int) -> None:
        if ms <= 0 or not found:
            return
        if "pause" in found[-1]:
            found[-1]["pause"] = max(found[-1]["pause"], ms)
        else:
            found.append({"pause": ms})

    def walk(element: ElementTree.Element) -> None:
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "break":
            pause(_break_ms(element))
        elif tag == "sub":
            say(element.get("alias") or "".join(element.itertext()))
        elif tag != "audio":
            say(element.text)
            for child in element:
                walk(child)
                say(child.tail)
        if tag in AFTER_MS:
            pause(AFTER_MS[tag])

    walk(root)
    while found and "pause" in found[-1]:
        found.pop()
    return found


def display_text(parts: list[dict[str, Any]]) -> str:
    """The words of :func:`segments` as one line of text."""
    return " ".join(part["say"] for part in parts if "say" in part)
