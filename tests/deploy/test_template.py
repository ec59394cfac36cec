"""template.yaml agrees with the code it deploys: env var names, TTL attribute, runtime, access.

cfn-lint and `sam validate --lint` check the template's form (tools/deploy_check.sh); these
tests check what only this project knows.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from back_pain_guide import store

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"
SKILL_SOURCE = ROOT / "lambda" / "back_pain_guide" / "skill.py"


class CloudFormationLoader(yaml.SafeLoader):
    """Reads CloudFormation's short-form tags (!Ref, !GetAtt, !Sub, ...) as {"Fn": value}."""


def _tag(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if tag_suffix == "Ref" else f"Fn::{tag_suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if tag_suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


CloudFormationLoader.add_multi_constructor("!", _tag)


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return yaml.load(TEMPLATE.read_text(encoding="utf-8"), Loader=CloudFormationLoader)


def resources_of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: res for name, res in template["Resources"].items() if res["Type"] == kind}


def only(mapping: dict[str, Any]) -> tuple[str, Any]:
    assert len(mapping) == 1, f"expected exactly one, found {sorted(mapping)}"
    return next(iter(mapping.items()))


@pytest.fixture(scope="module")
def function(template: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return only(resources_of_type(template, "AWS::Serverless::Function"))


@pytest.fixture(scope="module")
def table(template: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return only(resources_of_type(template, "AWS::DynamoDB::Table"))


def env_names_read_by_skill() -> set[str]:
    """The environment variables skill.py reads (SKILL_ID, LOG_LEVEL, ...)."""
    source = SKILL_SOURCE.read_text(encoding="utf-8")
    return set(re.findall(r"os\.environ\.get\(\s*[\"']([A-Z0-9_]+)[\"']", source))


def test_function_runtime_and_limits(function: tuple[str, dict[str, Any]]) -> None:
    _, res = function
    props = res["Properties"]
    assert props["Runtime"] == "python3.13"
    assert props["Architectures"] == ["arm64"]
    assert props["Timeout"] == 8
    assert 256 <= props["MemorySize"] <= 1024
    assert props["Handler"] == "lambda_function.handler"
    assert props["CodeUri"].rstrip("/") == "lambda"
    assert res["Metadata"]["BuildMethod"] == "makefile"


def test_handler_exists_in_code(function: tuple[str, dict[str, Any]]) -> None:
    module, attribute = function[1]["Properties"]["Handler"].split(".")
    source = (ROOT / "lambda" / f"{module}.py").read_text(encoding="utf-8")
    assert re.search(rf"\b{attribute}\b", source)


def test_makefile_has_the_functions_build_target(function: tuple[str, dict[str, Any]]) -> None:
    logical_id, _ = function
    makefile = (ROOT / "lambda" / "Makefile").read_text(encoding="utf-8")
    assert re.search(rf"^build-{logical_id}:", makefile, re.MULTILINE)


def test_env_vars_are_the_ones_the_code_reads(
    function: tuple[str, dict[str, Any]], table: tuple[str, dict[str, Any]]
) -> None:
    variables = function[1]["Properties"]["Environment"]["Variables"]
    read_by_skill = env_names_read_by_skill()
    assert {"SKILL_ID", "LOG_LEVEL"} <= read_by_skill
    assert set(variables) == read_by_skill | {store.TABLE_ENV}
    assert variables[store.TABLE_ENV] == {"Ref": table[0]}
    assert variables["SKILL_ID"] == {"Ref": "SkillId"}
    assert variables["LOG_LEVEL"] == {"Ref": "LogLevel"}


def test_alexa_trigger_is_restricted_to_the_skill(function: tuple[str, dict[str, Any]]) -> None:
    _, event = only(function[1]["Properties"]["Events"])
    assert event["Type"] == "AlexaSkill"
    assert event["Properties"]["SkillId"] == {"Ref": "SkillId"}


def test_parameters(template: dict[str, Any]) -> None:
    skill_id = template["Parameters"]["SkillId"]
    assert "Default" not in skill_id
    pattern = re.compile(skill_id["AllowedPattern"])
    assert pattern.fullmatch("amzn1.ask.skill.12345678-90ab-cdef-1234-567890abcdef")
    for wrong in (
        "",
        "amzn1.ask.skill.",
        "arn:aws:lambda:us-east-1:1:function:x",
        "amzn1.echo-sdk-ams.app.12345678-90ab-cdef-1234-567890abcdef",
    ):
        assert not pattern.fullmatch(wrong), wrong
    level = template["Parameters"]["LogLevel"]
    assert level["Default"] in level["AllowedValues"]
    assert set(level["AllowedValues"]) <= {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}


def test_table_matches_the_persistence_layer(table: tuple[str, dict[str, Any]]) -> None:
    props = table[1]["Properties"]
    assert props["KeySchema"] == [{"AttributeName": store.PARTITION_KEY, "KeyType": "HASH"}]
    assert props["AttributeDefinitions"] == [{"AttributeName": store.PARTITION_KEY, "AttributeType": "S"}]
    assert props["TimeToLiveSpecification"] == {"AttributeName": store.TTL_ATTRIBUTE, "Enabled": True}
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["SSESpecification"] == {"SSEEnabled": True}
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}


def test_dynamodb_adapter_never_creates_tables() -> None:
    """The role may not create tables, so the adapter must not try."""
    from back_pain_guide.store import dynamodb

    class FakeResource:
        def Table(self, name: str) -> str:
            return name

    adapter = dynamodb.DynamoDbProfileAdapter("profiles", FakeResource())
    assert adapter.create_table is False


def statements(role: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for policy in role["Properties"]["Policies"] for s in policy["PolicyDocument"]["Statement"]]


def dynamodb_calls_in_code() -> set[str]:
    """The DynamoDB item calls the store makes (get_item -> dynamodb:GetItem ...), read from its source."""
    source = (ROOT / "lambda" / "back_pain_guide" / "store" / "dynamodb.py").read_text(encoding="utf-8")
    calls = set(re.findall(r"\.(get|put|update|delete)_item\(", source))
    return {f"dynamodb:{call.capitalize()}Item" for call in calls}


def test_least_privilege(
    template: dict[str, Any], function: tuple[str, dict[str, Any]], table: tuple[str, dict[str, Any]]
) -> None:
    props = function[1]["Properties"]
    assert "Policies" not in props, "SAM policy templates are broader than the function needs"
    role_name, role = only(resources_of_type(template, "AWS::IAM::Role"))
    assert props["Role"] == {"Fn::GetAtt": [role_name, "Arn"]}
    assert "ManagedPolicyArns" not in role["Properties"]
    log_group_name, _ = only(resources_of_type(template, "AWS::Logs::LogGroup"))

    by_service: dict[str, set[str]] = {}
    for statement in statements(role):
        assert statement["Effect"] == "Allow"
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        services = {action.split(":")[0] for action in actions}
        assert len(services) == 1, statement
        service = services.pop()
        by_service.setdefault(service, set()).update(actions)
        if service == "dynamodb":
            assert statement["Resource"] == {"Fn::GetAtt": [table[0], "Arn"]}
        elif service == "logs":
            assert statement["Resource"] == {"Fn::GetAtt": [log_group_name, "Arn"]}
    assert set(by_service) == {"dynamodb", "logs"}
    assert by_service["logs"] == {"logs:CreateLogStream", "logs:PutLogEvents"}
    # every call the store makes is allowed, and only item calls (no Scan, no table operations)
    assert dynamodb_calls_in_code() <= by_service["dynamodb"]
    assert by_service["dynamodb"] <= {
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
    }


def test_the_function_is_published_behind_the_live_alias(
    function: tuple[str, dict[str, Any]], template: dict[str, Any]
) -> None:
    """The skill's endpoint is the alias, so a deploy or a rollback moves listeners in one step."""
    logical_id, res = function
    assert res["Properties"]["AutoPublishAlias"] == "live"
    outputs = template["Outputs"]
    assert outputs["FunctionAliasArn"]["Value"] == {"Ref": f"{logical_id}.Alias"}
    assert outputs["FunctionVersion"]["Value"] == {"Ref": f"{logical_id}.Version"}


def test_log_group_is_the_functions_and_expires(
    template: dict[str, Any], function: tuple[str, dict[str, Any]]
) -> None:
    name, group = only(resources_of_type(template, "AWS::Logs::LogGroup"))
    assert function[1]["Properties"]["LoggingConfig"]["LogGroup"] == {"Ref": name}
    assert group["Properties"]["LogGroupName"]["Fn::Sub"].startswith("/aws/lambda/")
    retention = group["Properties"]["RetentionInDays"]
    if isinstance(retention, dict):
        retention = template["Parameters"][retention["Ref"]]["Default"]
    assert 1 <= int(retention) <= 365


def test_outputs_give_the_function_arn_and_table(
    template: dict[str, Any], function: tuple[str, dict[str, Any]], table: tuple[str, dict[str, Any]]
) -> None:
    values = [output["Value"] for output in template["Outputs"].values()]
    assert {"Fn::GetAtt": [function[0], "Arn"]} in values
    assert {"Ref": table[0]} in values


def test_no_secret_in_the_template() -> None:
    text = TEMPLATE.read_text(encoding="utf-8")
    for marker in ("AKIA", "aws_secret_access_key", "SecretAccessKey", "password", "Password", "token"):
        assert marker not in text, marker
