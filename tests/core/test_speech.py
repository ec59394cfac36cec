"""SSML escaping and length limits."""
from __future__ import annotations

from xml.etree import ElementTree

from back_pain_guide.speech import MAX_SPEECH_CHARS, shorten, to_ssml


def test_special_characters_are_escaped():
    ssml = to_ssml('Heat & ice <b> "quoted" it\'s')
    parsed = ElementTree.fromstring(f"<speak>{ssml}</speak>")
    assert "".join(parsed.itertext()) == 'Heat & ice <b> "quoted" it\'s'


def test_long_text_is_cut_at_a_sentence_end():
    text = "This is one sentence. " * 1000
    ssml = to_ssml(text)
    assert len(ssml) <= MAX_SPEECH_CHARS
    assert ssml.endswith(".")


def test_shorten_keeps_short_text():
    assert shorten("Short.", 100) == "Short."
