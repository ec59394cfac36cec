"""The DynamoDB client of a cold start (issue #20): botocore's loader told DynamoDB is the only
service skips listing every service folder botocore ships, and the client it builds is the
stock one (same model, endpoint rules and signing), working against dynalite, the local
DynamoDB-compatible server (no mock)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import botocore.session
import pytest

from back_pain_guide.local.envelopes import Device
from back_pain_guide.store.dynamodb import SERVICE, DynamoDbProfileAdapter, dynamodb_client

ROOT = Path(__file__).resolve().parents[2]

from dynalite import DUMMY_CREDENTIALS, Dynalite, new_table_name  # noqa: E402

_listed: list[str] = []
_counting = False


def _count_listings(event: str, args: tuple) -> None:
    if _counting and event in ("os.listdir", "os.scandir"):
        _listed.append(str(args[0]))


sys.addaudithook(_count_listings)  # audit hooks stay for the process; this one counts only when asked


def folders_listed(build) -> tuple[object, list[str]]:
    """What ``build()`` returns, and the folders it listed."""
    global _counting
    _listed.clear()
    _counting = True
    try:
        return build(), list(_listed)
    finally:
        _counting = False


@pytest.fixture(scope="module")
def server() -> Iterator[Dynalite]:
    server = Dynalite().start()
    yield server
    server.stop()


def stock_client(**args: object) -> object:
    return botocore.session.get_session().create_client(SERVICE, **DUMMY_CREDENTIALS, **args)


def test_the_client_lists_only_dynamodbs_folders_where_botocore_lists_every_service() -> None:
    _, stock = folders_listed(lambda: stock_client())
    _, ours = folders_listed(lambda: dynamodb_client(**DUMMY_CREDENTIALS))
    assert len(stock) > 400  # botocore's data folder, then every service folder in it
    assert 0 < len(ours) <= 4 and all(Path(folder).name == SERVICE for folder in ours), ours


def test_the_client_has_botocores_own_model_and_endpoint_rules() -> None:
    ours, stock = dynamodb_client(**DUMMY_CREDENTIALS), stock_client()
    assert ours.meta.service_model.api_version == stock.meta.service_model.api_version
    assert ours.meta.service_model.operation_names == stock.meta.service_model.operation_names
    assert ours.meta.region_name == stock.meta.region_name == "us-east-1"
    assert ours.meta.endpoint_url == stock.meta.endpoint_url == "https://dynamodb.us-east-1.amazonaws.com"
    assert type(ours._ruleset_resolver) is type(stock._ruleset_resolver)
    # Signed by botocore (SigV4), as the stock client signs.
    assert ours.meta.config.signature_version == stock.meta.config.signature_version


def test_the_client_stores_and_reads_a_profile_on_dynalite(server: Dynalite) -> None:
    table = new_table_name()
    store = DynamoDbProfileAdapter(
        table, dynamodb_client(endpoint_url=server.endpoint_url, **DUMMY_CREDENTIALS), create_table=True
    )
    envelope = Device(user_id="amzn1.ask.account.loader").launch()
    from ask_sdk_core.serialize import DefaultSerializer

    request = DefaultSerializer().deserialize(json.dumps(envelope), "ask_sdk_model.RequestEnvelope")
    store.record_visit(request, "2026-01-02T03:04:05Z")
    store.record_visit(request, "2026-01-03T03:04:05Z")
    profile = store.get_attributes(request)
    assert profile["visits"] == 2 and profile["last_visit"] == "2026-01-03T03:04:05Z"


def test_a_cold_start_launch_with_dynamodb_configured_greets_and_counts_the_visit(server: Dynalite) -> None:
    """A fresh interpreter, as on Lambda: the handler with the table configured, first request a launch."""
    table = new_table_name()
    _ = DynamoDbProfileAdapter(
        table, dynamodb_client(endpoint_url=server.endpoint_url, **DUMMY_CREDENTIALS), create_table=True
    ).client
    env = dict(
        os.environ,
        BACK_PAIN_GUIDE_TABLE=table,
        AWS_ENDPOINT_URL_DYNAMODB=server.endpoint_url,
        AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test",
        AWS_DEFAULT_REGION="us-east-1",
    )
    env.pop("BACK_PAIN_GUIDE_DB", None)
    launch = json.dumps(Device(user_id="amzn1.ask.account.cold-loader").launch())
    script = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); import lambda_function; "
        "print(json.dumps(lambda_function.handler(json.loads(sys.argv[2]), None)))"
    )
    for _ in range(2):
        answer = json.loads(
            subprocess.run(
                [sys.executable, "-c", script, str(ROOT / "lambda"), launch],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )
        assert "<speak>" in answer["response"]["outputSpeech"]["ssml"]
    item = stock_client(endpoint_url=server.endpoint_url).get_item(
        TableName=table, Key={"id": {"S": "amzn1.ask.account.cold-loader"}}, ConsistentRead=True
    )["Item"]
    assert item["visits"] == {"N": "2"}  # both cold starts read and wrote through the client
