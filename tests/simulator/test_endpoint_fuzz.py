"""Whatever a client posts to the page's endpoint, it gets a 200 or a 4xx with a reason, never a 500."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from simpage import TURN_URL, simulator_app

CLIENT = simulator_app().test_client()
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False)
    | st.text(max_size=40)
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
FIELDS = st.sampled_from(["locale", "device", "utterance", "event", "session", "other"])
LIKELY = st.fixed_dictionaries(
    {
        "locale": st.sampled_from(["en-US", "en-GB", "en-CA", "en-AU", "en-IN", "de-DE", ""]),
        "device": st.sampled_from(["voice", "screen", "tv"]),
        "session": st.none()
        | st.fixed_dictionaries(
            {
                "sessionId": st.sampled_from(["amzn1.s.1", "x y", ""]),
                "attributes": st.dictionaries(st.text(max_size=12), VALUES, max_size=4),
            }
        ),
    },
    optional={"utterance": st.text(max_size=120), "event": st.lists(SCALARS, max_size=4)},
)
SETTINGS = settings(
    max_examples=150, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def check(body: object) -> None:
    reply = CLIENT.post(TURN_URL, data=json.dumps(body), content_type="application/json")
    assert reply.status_code in (200, 400), (reply.status_code, reply.get_data(as_text=True)[:300])
    payload = reply.get_json()
    if reply.status_code == 400:
        assert payload["error"] == "bad request" and payload["reason"]
    else:
        assert payload["response"]["version"] == "1.0" and payload["turn"]["type"]


@SETTINGS
@given(st.dictionaries(FIELDS, VALUES, max_size=6) | VALUES)
def test_any_json_body(body):
    check(body)


@SETTINGS
@given(LIKELY)
def test_bodies_shaped_like_the_pages(body):
    check(body)
