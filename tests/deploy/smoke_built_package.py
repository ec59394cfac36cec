"""Smoke test of a built Lambda package, run by tools/deploy_check.sh (not collected by pytest).

Run it as ``python -I -S smoke_built_package.py --build-dir DIR --runtime-site SITE ...``: with
-I and -S the interpreter sees only its standard library, so this script puts the built
function folder first on ``sys.path`` (as Lambda does with /var/task) and, after it, one
site-packages folder standing in for the runtime's own boto3. It then imports
``lambda_function`` and sends it request envelopes as Lambda would: a session through every
intent of the interaction model, the APL and skill events, and an emergency on a device whose
time zone the skill looks up over HTTPS (a local server standing in for the Alexa Settings API,
reached through the standard library, as on Lambda). Finally it checks that every
module it loaded came from the build, the standard library, or (boto3 and its own dependencies
only) the stand-in runtime, and that what lambda/package-exclude.txt leaves out is absent.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import socket
import ssl
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

#: What the Lambda Python runtime provides and the package therefore leaves out: boto3 and its
#: own dependencies (urllib3 is botocore's HTTP client; lambda/package-exclude.txt).
RUNTIME_PROVIDED = {"boto3", "botocore", "s3transfer", "jmespath", "urllib3"}


def fail(message: str) -> None:
    print(f"SMOKE FAIL: {message}", file=sys.stderr)
    raise SystemExit(1)


def check(condition: bool, message: str) -> None:
    if not condition:
        fail(message)
    print(f"  ok  {message}")


def speech(response: dict[str, Any]) -> str:
    output = (response.get("response") or {}).get("outputSpeech") or {}
    return output.get("ssml") or output.get("text") or ""


def first_sentence(prompt: str) -> str:
    return prompt.split(".")[0] + "."


def closed_port() -> int:
    """A local port nothing listens on (for a DynamoDB endpoint that refuses connections)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


#: The test's own code, allowed beside the package: this script and the request builder.
ENVELOPES_SOURCE = (
    Path(__file__).resolve().parents[2] / "lambda" / "back_pain_guide" / "local" / "envelopes.py"
)
TEST_SIDE = (Path(__file__).resolve(), ENVELOPES_SOURCE)


def module_origins(build_dir: Path, runtime_site: Path) -> list[str]:
    """Names of loaded modules that came from anywhere but the build, stdlib or allowed runtime."""
    stdlib = {Path(sysconfig.get_paths()[key]).resolve() for key in ("stdlib", "platstdlib")}
    wrong = []
    for name, module in sorted(sys.modules.items()):
        origin = getattr(module, "__file__", None)
        if not origin:
            continue
        path = Path(origin).resolve()
        top = name.split(".")[0]
        if path.is_relative_to(build_dir):
            if top in RUNTIME_PROVIDED:
                wrong.append(f"{name} (shipped in the package, should come from the runtime)")
        elif path.is_relative_to(runtime_site):
            if top not in RUNTIME_PROVIDED:
                wrong.append(f"{name} (missing from the package, found only in {runtime_site})")
        elif not any(path.is_relative_to(root) for root in stdlib) and path not in TEST_SIDE:
            wrong.append(f"{name} ({path})")
    return wrong


class SettingsApi(BaseHTTPRequestHandler):
    """Answers GET /v2/devices/{id}/settings/System.timeZone as the Alexa Settings API does."""

    zone = "Europe/London"
    calls: ClassVar[list[tuple[str, str]]] = []

    def do_GET(self) -> None:
        type(self).calls.append((self.path, self.headers.get("Authorization", "")))
        known = self.path.endswith("/settings/System.timeZone")
        body = json.dumps(self.zone if known else {"message": "not found"}).encode()
        self.send_response(200 if known else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def start_settings_api(scratch: Path) -> str:
    """A local HTTPS Settings API with a fresh self-signed certificate, trusted through
    SSL_CERT_FILE (as a real endpoint is trusted through the system's trust store); its base URL."""
    cert, key = scratch / "cert.pem", scratch / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), SettingsApi)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert), str(key))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    os.environ["SSL_CERT_FILE"] = str(cert)
    return f"https://127.0.0.1:{server.server_address[1]}"


def slot_values(model: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """(id, spoken value) of the first value of every custom slot type."""
    return {
        t["name"]: (
            t["values"][0].get("id") or t["values"][0]["name"]["value"],
            t["values"][0]["name"]["value"],
        )
        for t in model.get("types", [])
        if t.get("values")
    }


def source_envelopes() -> Any:
    """The request builder, from the source tree: local/ is left out of the package (it needs
    only the standard library)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("source_envelopes", ENVELOPES_SOURCE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def every_intent(handler: Any, model: dict[str, Any], locale: str, skill_id: str, error: str) -> list[str]:
    """Sends one session through every intent of the model (relaunching when a turn ends it),
    then the APL touch event, SessionEnded and SKILL_DISABLED; the turns that went wrong."""
    envelopes = source_envelopes()
    Device, slot = envelopes.Device, envelopes.slot

    values, wrong = slot_values(model), []
    device = Device(locale=locale, skill_id=skill_id, screen=True)
    device.receive(handler(device.launch(), None))
    for intent in model["intents"]:
        slots = {}
        for spec in intent.get("slots", []):
            if spec["type"] in values:
                resolved_id, value = values[spec["type"]]
                slots[spec["name"]] = slot(
                    spec["name"], value, resolved_id=resolved_id, slot_type=spec["type"], skill_id=skill_id
                )
            else:
                slots[spec["name"]] = slot(spec["name"], "does heat help my back", slot_type=spec["type"])
        if not device.in_session:
            device.receive(handler(device.launch(), None))
        response = handler(device.intent(intent["name"], slots), None)
        said = speech(response)
        if not said or error in said:
            wrong.append(f"{intent['name']}: {said[:80]!r}")
        device.receive(response)
    if not device.in_session:
        device.receive(handler(device.launch(), None))
    for event in (device.user_event(["answer", "no"]), device.session_ended(), device.skill_disabled()):
        response = handler(event, None)
        if not isinstance(response, dict) or error in speech(response):
            wrong.append(f"{event['request']['type']}: {str(response)[:80]}")
    return wrong


def excluded_but_present(build_dir: Path, exclude_list: Path) -> list[str]:
    """Paths lambda/package-exclude.txt leaves out that are in the package anyway."""
    patterns = [
        line.strip()
        for line in exclude_list.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    return [str(path.relative_to(build_dir)) for pattern in patterns for path in build_dir.glob(pattern)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--build-dir", type=Path, required=True, help="the built function folder")
    parser.add_argument("--runtime-site", type=Path, required=True, help="site-packages holding boto3")
    parser.add_argument("--fixture", type=Path, required=True, help="a LaunchRequest envelope")
    parser.add_argument("--content", type=Path, required=True, help="the repository's content/ folder")
    parser.add_argument("--models", type=Path, required=True, help="the generated interaction models' folder")
    parser.add_argument("--exclude-list", type=Path, required=True, help="lambda/package-exclude.txt")
    args = parser.parse_args()
    build_dir, runtime_site = args.build_dir.resolve(), args.runtime_site.resolve()
    content = args.content.resolve()

    for name in ("BACK_PAIN_GUIDE_CONTENT_DIR", "BACK_PAIN_GUIDE_TABLE"):
        os.environ.pop(name, None)
    scratch = Path(tempfile.mkdtemp(prefix="bpg-smoke-"))
    os.environ["BACK_PAIN_GUIDE_DB"] = str(scratch / "state.sqlite3")
    launch = json.loads(args.fixture.read_text(encoding="utf-8"))
    skill_id = launch["context"]["System"]["application"]["applicationId"]
    os.environ["SKILL_ID"] = skill_id
    os.environ["LOG_LEVEL"] = "ERROR"

    sys.path[:0] = [str(build_dir)]
    sys.path.append(str(runtime_site))
    print(f"Python {sys.version.split()[0]}; sys.path: {build_dir} first, {runtime_site} last")

    started = time.perf_counter()
    import lambda_function
    from back_pain_guide import paths

    import_ms = (time.perf_counter() - started) * 1000
    check(
        Path(lambda_function.__file__).resolve().parent == build_dir,
        "lambda_function imported from the build",
    )
    check(
        Path(paths.content_dir()).resolve() == build_dir / "content",
        "content read from the package's own content/",
    )
    for model_file in ("sign_model.bin", "topic_model.bin", "search_index.bin"):
        check(
            (build_dir / "back_pain_guide" / "generated" / model_file).is_file(),
            f"back_pain_guide/generated/{model_file} ships (the learned models and the index)",
        )
    for source in sorted(content.rglob("*.json")):
        built = build_dir / "content" / source.relative_to(content)
        check(
            built.is_file() and built.read_bytes() == source.read_bytes(),
            f"content/{source.relative_to(content)} is an exact copy of the top-level file",
        )

    prompts = json.loads((content / "prompts.json").read_text(encoding="utf-8"))
    started = time.perf_counter()
    first = lambda_function.handler(copy.deepcopy(launch), None)
    first_ms = (time.perf_counter() - started) * 1000
    check(
        first_sentence(prompts["launch_first"]) in speech(first),
        f"LaunchRequest answered with the greeting: {speech(first)[:90]!r}...",
    )
    locale = launch["request"]["locale"]
    facts = json.loads((content / "back_pain.json").read_text(encoding="utf-8"))["locales"][locale]
    check(
        facts["emergency_number_speech"] in speech(first),
        f"the first greeting gives the {locale} emergency number ({facts['emergency_number_speech']})",
    )
    check(first["response"].get("shouldEndSession") is not True, "the session stays open for a question")

    again = lambda_function.handler(copy.deepcopy(launch), None)
    check(
        first_sentence(prompts["launch_return"]) in speech(again),
        "a second visit is greeted as a return (the SQLite profile store works from the package)",
    )

    # The learned models load from the package, and the topic model is the one trained beside its index.
    from back_pain_guide.freeform import index
    from back_pain_guide.sign_model import sign_model
    from back_pain_guide.text import words

    guess = sign_model().guess(words("i think i wet myself and didnt even notice"))
    check(guess.sign == "bladder_bowel", f"the learned sign model works from the package: {guess}")
    check(
        index().topic_model is not None, "the topic model loads beside the packaged index it was trained with"
    )

    # A question about a named topic: content, search data and the topic handlers all load from the package.
    asked = json.loads((args.fixture.parent / "causes_named_topic.json").read_text(encoding="utf-8"))
    topic_id = asked["request"]["intent"]["slots"]["topic"]["resolutions"]["resolutionsPerAuthority"][0][
        "values"
    ][0]["value"]["id"]
    topic = next(
        t
        for t in json.loads((content / "back_pain.json").read_text(encoding="utf-8"))["topics"]
        if t["id"] == topic_id
    )
    answer = speech(lambda_function.handler(asked, None))
    check(
        topic["title"].lower() in answer.lower() and first_sentence(prompts["error"]) not in answer,
        f"CausesIntent about {topic_id} is answered from the content: {answer[:70]!r}...",
    )

    stranger = copy.deepcopy(launch)
    other_id = "amzn1.ask.skill.11111111-2222-3333-4444-555555555555"
    stranger["session"]["application"]["applicationId"] = other_id
    stranger["context"]["System"]["application"]["applicationId"] = other_id
    refused = lambda_function.handler(stranger, None)
    check(
        "Welcome" not in speech(refused) and refused["response"].get("shouldEndSession") is True,
        "a request for another skill ID is refused (SKILL_ID checked by the function)",
    )

    model = json.loads((args.models / f"{locale}.json").read_text(encoding="utf-8"))["interactionModel"][
        "languageModel"
    ]
    wrong = every_intent(lambda_function.handler, model, locale, skill_id, first_sentence(prompts["error"]))
    check(
        not wrong,
        f"a session through all {len(model['intents'])} intents of {locale}.json, the APL touch event, "
        "SessionEnded and SKILL_DISABLED is answered" + ("" if not wrong else ": " + "; ".join(wrong)),
    )

    # The device's country from its time zone, over HTTPS with the standard library's urllib (the
    # package has no requests): an en-US device set to Europe/London hears the UK's number.
    gb = json.loads((content / "back_pain.json").read_text(encoding="utf-8"))["locales"]["en-GB"]
    abroad = copy.deepcopy(launch)
    abroad["context"]["System"]["apiEndpoint"] = start_settings_api(scratch)
    abroad["context"]["System"]["apiAccessToken"] = "smoke-test-token"
    abroad["context"]["System"]["device"]["deviceId"] = "amzn1.ask.device.SMOKE-ABROAD"
    abroad["session"]["user"]["userId"] = abroad["context"]["System"]["user"]["userId"] = (
        "amzn1.ask.account.ABROAD"
    )
    greeted = speech(lambda_function.handler(abroad, None))
    check(
        bool(SettingsApi.calls) and SettingsApi.calls[0][1] == "Bearer smoke-test-token",
        f"the time zone was asked for over HTTPS with the request's token ({len(SettingsApi.calls)} call)",
    )
    check(
        gb["emergency_number_speech"] in greeted and facts["emergency_number_speech"] not in greeted,
        f"a {locale} device in Europe/London hears {gb['emergency_number_speech']} (the Settings API call works from the package)",
    )

    # The DynamoDB store as configured on AWS, against an endpoint that refuses connections:
    # the adapter and boto3 must import from the right places, and the skill must still answer.
    from back_pain_guide import skill, store

    env = {"BACK_PAIN_GUIDE_TABLE": "smoke-profiles"}
    os.environ.update(
        {
            "AWS_ENDPOINT_URL_DYNAMODB": f"http://127.0.0.1:{closed_port()}",
            "AWS_ACCESS_KEY_ID": "smoke-test-not-a-key",
            "AWS_SECRET_ACCESS_KEY": "smoke-test-not-a-key",
            "AWS_DEFAULT_REGION": "us-east-1",
        }
    )
    adapter = store.default_adapter(env)
    check(
        type(adapter).__name__ == "DynamoDbProfileAdapter", "BACK_PAIN_GUIDE_TABLE selects the DynamoDB store"
    )
    started = time.perf_counter()
    stored = skill.invoke(skill.build_skill(adapter, skill_id), copy.deepcopy(launch))
    dynamo_ms = (time.perf_counter() - started) * 1000
    check(
        first_sentence(prompts["launch_first"]) in speech(stored),
        f"with DynamoDB unreachable the skill still greets ({dynamo_ms:.0f} ms)",
    )

    wrong = module_origins(build_dir, runtime_site)
    check(
        not wrong,
        "every module came from the package, the standard library or the runtime's boto3"
        + ("" if not wrong else ": " + ", ".join(wrong)),
    )
    check(
        "botocore" in sys.modules and "boto3" not in sys.modules,
        "the DynamoDB store used a botocore client (boto3's resource layer not loaded)",
    )
    check(
        not {"requests", "certifi", "idna", "charset_normalizer"} & set(sys.modules),
        "no request loaded requests, certifi, idna or charset_normalizer (left out of the package)",
    )
    present = excluded_but_present(build_dir, args.exclude_list)
    check(
        not present,
        "nothing lambda/package-exclude.txt leaves out is in the package"
        + ("" if not present else ": " + ", ".join(present)),
    )
    print(f"SMOKE OK: import {import_ms:.0f} ms, first LaunchRequest {first_ms:.0f} ms")


if __name__ == "__main__":
    main()
