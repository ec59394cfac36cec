"""Generated requests sent to the Flask service's POST / (verification off, the real skill).

Whatever the body, content type or size, the service answers 200 with a well-formed response
envelope, or 400 with a short JSON reason; never 500, never a stack trace.
"""

from __future__ import annotations

import io
import json
from typing import Any

import hardening_support as hs
import pytest
from hardening_support import HARDENING
from hypothesis import given
from hypothesis import strategies as st

from back_pain_guide.web.app import MAX_BODY_BYTES, create_app

CONTENT_TYPES = [
    "application/json",
    "application/json; charset=utf-8",
    "application/json; charset=latin-1",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "multipart/form-data",
    "application/xml",
    "",
    "*/*",
    "application/json; charset=nonsense",
]


@pytest.fixture(scope="module")
def client():
    return create_app(verify=False, environ={}).test_client()


def check(prop: str, reply: Any, event: Any = None) -> None:
    assert reply.status_code in (200, 400), (reply.status_code, reply.get_data()[:300])
    payload = json.loads(reply.get_data())
    if reply.status_code == 400:
        assert payload["error"] == "bad request" and isinstance(payload["reason"], str)
        for leak in ("Traceback", 'File "', hs.MARKER):
            assert leak not in payload["reason"]
        hs.count(prop, "400")
        return
    text = hs.speech_of(payload, leaks=not hs.replays_session_text(event))
    hs.count(prop, "200 spoken" if text is not None else "200 silent")


@HARDENING
@given(
    event=st.one_of(hs.envelope(shaped=True), hs.mutated_envelope(), hs.envelope(shaped=False), hs.junk),
    content_type=st.sampled_from(CONTENT_TYPES),
)
def test_json_bodies_get_200_or_400(client, event, content_type):
    body = json.dumps(event).encode()
    check("web: JSON bodies", client.post("/", data=body, content_type=content_type), event)


HOSTILE_BYTES = [
    b"",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xfe\xff",
    b"\x00",
    b"\xc3\x28",
    b"\xed\xa0\x80",
    b"\x80",
    b"{",
    b"}",
    b"[",
    b'"',
    b"\\",
    b"NaN",
    b"Infinity",
    b"-",
    b"1e999999",
    b'{"version":"1.0","request":{"type":"LaunchRequest"}}',
    b"null",
    b"\r\n",
]


@HARDENING
@given(
    parts=st.lists(
        st.one_of(
            st.binary(max_size=64), st.sampled_from(HOSTILE_BYTES), st.text(max_size=30).map(str.encode)
        ),
        max_size=6,
    ),
    content_type=st.sampled_from(CONTENT_TYPES),
)
def test_any_bytes_get_200_or_400(client, parts, content_type):
    check("web: raw byte bodies", client.post("/", data=b"".join(parts), content_type=content_type))


def oversize_body(size: int) -> bytes:
    """A valid-looking envelope padded out with a long slot value."""
    event = {
        "version": "1.0",
        "request": {
            "type": "IntentRequest",
            "intent": {"name": "QuestionIntent", "slots": {"query": {"name": "query", "value": ""}}},
        },
    }
    padding = size - len(json.dumps(event))
    event["request"]["intent"]["slots"]["query"]["value"] = "x" * max(0, padding)
    return json.dumps(event).encode()


@pytest.mark.parametrize("size", [MAX_BODY_BYTES + 1, 1024 * 1024, 10 * 1024 * 1024])
def test_oversize_bodies_are_refused(client, size):
    reply = client.post("/", data=oversize_body(size), content_type="application/json")
    assert reply.status_code == 400 and reply.get_json()["reason"] == "body too large"


@pytest.mark.parametrize("size", [MAX_BODY_BYTES + 1, 10 * 1024 * 1024])
def test_oversize_chunked_bodies_are_refused(client, size):
    reply = client.post(
        "/",
        input_stream=io.BytesIO(oversize_body(size)),
        headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert reply.status_code == 400 and reply.get_json()["reason"] == "body too large"


def test_a_body_just_under_the_limit_is_answered(client):
    reply = client.post("/", data=oversize_body(MAX_BODY_BYTES - 100), content_type="application/json")
    assert reply.status_code == 200
    assert hs.speech_of(reply.get_json())


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
def test_other_methods_are_refused_without_a_server_error(client, method):
    reply = client.open("/", method=method, data=b"{}")
    assert reply.status_code == 405
    assert reply.get_json()["error"] == "method not allowed"
