"""SSML escaping and length limits."""

from __future__ import annotations

from xml.etree import ElementTree
from xml.sax.saxutils import escape

from hypothesis import example, given, settings
from hypothesis import strategies as st

from back_pain_guide.speech import MAX_SPEECH_CHARS, escape_xml, shorten, to_ssml

# What XML 1.0 allows (https://www.w3.org/TR/xml/#charsets).
_XML_CHAR_RANGES = ((0x9, 0x9), (0xA, 0xA), (0xD, 0xD), (0x20, 0xD7FF), (0xE000, 0xFFFD), (0x10000, 0x10FFFF))


def _allowed_in_xml(char: str) -> bool:
    return any(low <= ord(char) <= high for low, high in _XML_CHAR_RANGES)


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


@settings(max_examples=300, derandomize=True)
@given(st.text(alphabet=st.characters() | st.characters(categories=["Cc", "Cs"]), max_size=200))
@example("lone \ud800 surrogate, \x01 control, \ufffe & <tag>")
@example("ascii only: \x00 \x08 \x0b \x0c \x0e \x1f & <tag> \t\n\r kept")
def test_escaping_matches_the_standard_library_and_drops_what_xml_forbids(text: str) -> None:
    expected = escape("".join(char for char in text if _allowed_in_xml(char)))
    assert escape_xml(text) == expected
    ElementTree.fromstring(f"<speak>{escape_xml(text)}</speak>")  # always a well-formed document
