"""The emergency number of the device's country, from the time zone Alexa gives without a
permission (issue #17 part 4): the mapping, and the fallback to the locale's number on any failure.

The Settings API is reached through fakes passed in (a fake UPS service client, a fake API
client under the real ask_sdk service client); the code under test is never patched.
"""

from __future__ import annotations

import json
import uuid

import pytest
from ask_sdk_model.services import ApiClient, ApiClientResponse

from back_pain_guide import region
from back_pain_guide.content import get_content
from back_pain_guide.local.envelopes import Device
from back_pain_guide.skill import build_skill, invoke
from back_pain_guide.speech import Voice

CONTENT = get_content()


class FakeUps:
    """Shaped like ask_sdk's UpsServiceClient: answers one time zone, or fails."""

    def __init__(self, zone=None, error: Exception | None = None) -> None:
        self.zone, self.error, self.calls = zone, error, []

    def get_system_time_zone(self, device_id):
        self.calls.append(device_id)
        if self.error is not None:
            raise self.error
        return self.zone


@pytest.mark.parametrize(
    "zone, country",
    [
        ("Europe/London", "en-GB"),
        ("Europe/Belfast", "en-GB"),
        ("Australia/Sydney", "en-AU"),
        ("Australia/Perth", "en-AU"),
        ("Australia/Darwin", "en-AU"),
        ("Asia/Kolkata", "en-IN"),
        ("Asia/Calcutta", "en-IN"),
        ("America/New_York", "en-US"),
        ("America/Los_Angeles", "en-US"),
        ("America/Indiana/Indianapolis", "en-US"),
        ("Pacific/Honolulu", "en-US"),
        ("US/Pacific", "en-US"),
        ("America/Toronto", "en-CA"),
        ("America/Vancouver", "en-CA"),
        ("America/St_Johns", "en-CA"),
        ("America/Mexico_City", None),
        ("Europe/Paris", None),
        ("Asia/Tokyo", None),
        ("", None),
        (None, None),
        (42, None),
        ("Europe/London/../x" * 10, None),
    ],
)
def test_time_zone_to_country(zone, country):
    assert region.country_for_time_zone(CONTENT, zone) == country
    assert region.country_from_settings(FakeUps(zone), "device", CONTENT) == country


@pytest.mark.parametrize(
    "error",
    [TimeoutError("slow"), ConnectionError("offline"), ValueError("no endpoint"), RuntimeError("403")],
)
def test_any_failure_falls_back(error):
    assert region.country_from_settings(FakeUps(error=error), "device", CONTENT) is None


@pytest.mark.parametrize(
    "zone, country, digits, speech",
    [
        ("Europe/London", "en-GB", "999", "nine nine nine"),
        ("Australia/Brisbane", "en-AU", "000", "triple zero"),
        (
            "Asia/Kolkata",
            "en-IN",
            "112, or 108 for an ambulance",
            "one one two, or one oh eight for an ambulance",
        ),
        ("America/Chicago", "en-US", "911", "nine one one"),
    ],
)
def test_an_en_us_voice_uses_the_device_countrys_numbers_and_route(zone, country, digits, speech):
    voice = Voice(CONTENT, "en-US", region.country_for_time_zone(CONTENT, zone))
    assert voice.say("safety_line") == f"If this is an emergency, call {speech}."
    assert voice.write("safety_line") == f"If this is an emergency, call {digits}."
    assert voice.say("checklist_emergency", note="", reason="r", summary="s").startswith(
        f"Call {speech} now."
    )
    assert CONTENT.locales[country].same_day_speech in voice.say(
        "checklist_same_day", summaries="x", advice=""
    )
    assert "disk" in voice.spell("disk")  # the language's words stay


class _System:
    def __init__(self, device_id, token):
        self.device = type("D", (), {"device_id": device_id})()
        self.api_access_token = token


class FakeHandlerInput:
    """Only what region.device_country reads: the device, the token and the service client factory."""

    def __init__(self, ups, device_id="dev", token="token"):
        self.request_envelope = type(
            "E", (), {"context": type("C", (), {"system": _System(device_id, token)})()}
        )()
        factory = type("F", (), {})()
        factory.get_ups_service = lambda: ups
        self.service_client_factory = factory


def test_device_country_asks_once_per_device_and_remembers():
    ups = FakeUps("Europe/London")
    device = f"dev-{uuid.uuid4()}"
    assert region.device_country(FakeHandlerInput(ups, device), CONTENT, now=100.0) == "en-GB"
    assert region.device_country(FakeHandlerInput(ups, device), CONTENT, now=101.0) == "en-GB"
    assert ups.calls == [device]
    assert (
        region.device_country(FakeHandlerInput(ups, device), CONTENT, now=100.0 + region.KNOWN_FOR + 1)
        == "en-GB"
    )
    assert len(ups.calls) == 2


def test_a_failure_is_remembered_briefly_then_asked_again():
    ups = FakeUps(error=TimeoutError("slow"))
    device = f"dev-{uuid.uuid4()}"
    assert region.device_country(FakeHandlerInput(ups, device), CONTENT, now=0.0) is None
    assert region.device_country(FakeHandlerInput(ups, device), CONTENT, now=1.0) is None
    assert len(ups.calls) == 1
    region.device_country(FakeHandlerInput(ups, device), CONTENT, now=region.UNKNOWN_FOR + 1)
    assert len(ups.calls) == 2


@pytest.mark.parametrize("device_id, token", [(None, "token"), ("dev", None), ("dev", ""), ("", "token")])
def test_no_token_or_device_means_no_call(device_id, token):
    ups = FakeUps("Europe/London")
    assert region.device_country(FakeHandlerInput(ups, device_id, token), CONTENT) is None
    assert ups.calls == []


class FakeApiClient(ApiClient):
    """Stands in for the network under ask_sdk's real UpsServiceClient."""

    def __init__(self, zone=None, status=200, error=None):
        self.zone, self.status, self.error, self.urls = zone, status, error, []

    def invoke(self, request):
        self.urls.append(request.url)
        if self.error is not None:
            raise self.error
        response = ApiClientResponse()
        response.status_code, response.headers = self.status, []
        response.body = json.dumps(self.zone) if self.zone is not None else ""
        return response


def device_envelope(locale: str, token: str | None = "token") -> dict:
    device = Device(locale=locale, user_id=f"amzn1.ask.account.test-{uuid.uuid4()}")
    envelope = device.intent("ChecklistIntent")
    envelope["context"]["System"]["device"]["deviceId"] = f"amzn1.ask.device.{uuid.uuid4()}"
    if token:
        envelope["context"]["System"]["apiAccessToken"] = token
    return envelope


def emergency_turn(skill, locale: str, token: str | None = "token") -> str:
    """Start the checklist and answer yes to the first question; the emergency reply's speech."""
    first = device_envelope(locale, token)
    response = invoke(skill, first)
    second = json.loads(json.dumps(first))
    second["session"]["new"] = False
    second["session"]["attributes"] = response["sessionAttributes"]
    second["request"]["intent"] = {"name": "AMAZON.YesIntent", "confirmationStatus": "NONE", "slots": {}}
    return invoke(skill, second)["response"]["outputSpeech"]["ssml"]


def test_an_en_us_device_in_london_hears_999():
    skill = build_skill()
    skill.api_client = api = FakeApiClient("Europe/London")
    speech = emergency_turn(skill, "en-US")
    assert speech.startswith("<speak>Call nine nine nine now.")
    assert api.urls and api.urls[0].endswith("/settings/System.timeZone") and "/v2/devices/" in api.urls[0]


def test_an_en_gb_device_in_sydney_hears_triple_zero():
    skill = build_skill()
    skill.api_client = FakeApiClient("Australia/Sydney")
    assert emergency_turn(skill, "en-GB").startswith("<speak>Call triple zero now.")


@pytest.mark.parametrize(
    "api",
    [
        FakeApiClient(error=TimeoutError("read timed out")),
        FakeApiClient(status=500),
        FakeApiClient(status=204),
        FakeApiClient("Europe/Paris"),
        FakeApiClient(status=403),
    ],
)
def test_any_settings_failure_keeps_the_locales_number(api):
    skill = build_skill()
    skill.api_client = api
    assert emergency_turn(skill, "en-GB").startswith("<speak>Call nine nine nine now.")
    assert emergency_turn(skill, "en-IN").startswith(
        "<speak>Call one one two, or one oh eight for an ambulance now."
    )


def test_without_a_token_the_settings_api_is_never_called():
    """The local console and the tests send no API token: the locale's number, no network."""
    skill = build_skill()
    skill.api_client = api = FakeApiClient("Europe/London")
    assert emergency_turn(skill, "en-US", token=None).startswith("<speak>Call nine one one now.")
    assert api.urls == []


def test_the_real_client_times_out_quickly():
    client = region.TimeoutApiClient()
    assert client.timeout == region.TIMEOUT and region.TIMEOUT <= 1.0


@pytest.fixture(scope="module")
def local_settings_api(tmp_path_factory):
    """A real HTTPS Settings API on 127.0.0.1 with a fresh self-signed certificate; its base URL
    and the certificate's path."""
    import ssl
    import subprocess
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    scratch = tmp_path_factory.mktemp("settings-api")
    cert, key = scratch / "cert.pem", scratch / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )

    class Api(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            known = self.path.endswith("/settings/System.timeZone")
            body = json.dumps("Europe/London" if known else {"message": "not found"}).encode()
            self.send_response(200 if known else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Api)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert), str(key))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"https://127.0.0.1:{server.server_address[1]}", str(cert)
    server.shutdown()


def _get(url: str):
    from ask_sdk_model.services import ApiClientRequest

    return region.TimeoutApiClient().invoke(ApiClientRequest(headers=[], method="GET", url=url, body=None))


def test_the_real_client_reads_the_time_zone_over_https(local_settings_api, monkeypatch):
    base, cert = local_settings_api
    monkeypatch.setenv("SSL_CERT_FILE", cert)
    answer = _get(f"{base}/v2/devices/d1/settings/System.timeZone")
    assert answer.status_code == 200 and json.loads(answer.body) == "Europe/London"
    missing = _get(f"{base}/v2/devices/d1/settings/Nothing")  # a refusal still carries its body
    assert missing.status_code == 404 and "not found" in missing.body


def test_the_real_client_refuses_an_untrusted_certificate_and_plain_http(local_settings_api, monkeypatch):
    from ask_sdk_core.exceptions import ApiClientException

    base, _ = local_settings_api
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    with pytest.raises(ApiClientException):
        _get(f"{base}/v2/devices/d1/settings/System.timeZone")
    with pytest.raises(ApiClientException):
        _get(base.replace("https://", "http://"))
