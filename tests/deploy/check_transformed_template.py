"""Checks what CloudFormation will actually receive after SAM's transform (run by tools/deploy_check.sh).

Runs in .venv-deploy (it needs aws-sam-translator, which only SAM CLI brings) and asks AWS
nothing. The SAM-level tests in test_template.py cannot see what the AlexaSkill event and
AutoPublishAlias turn into; this does: exactly one invoke permission, for Alexa, bound to the
SkillId parameter, on the `live` alias (the skill's endpoint), which the FunctionAliasArn output names.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse


class NoManagedPolicies:
    """The template names no SAM policy templates or managed policies, so none need looking up."""

    def load(self) -> dict[str, str]:
        return {}


def main(template_path: Path) -> None:
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")  # for pseudo parameters only
    document = yaml_parse(template_path.read_text(encoding="utf-8"))
    for resource in document["Resources"].values():
        if (
            resource["Type"] == "AWS::Serverless::Function"
        ):  # a local CodeUri is only valid before `sam package`
            resource["Properties"]["CodeUri"] = "s3://bucket/function.zip"
    transformed: dict[str, Any] = transform(document, {}, NoManagedPolicies())
    resources: dict[str, Any] = transformed["Resources"]

    permissions = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::Lambda::Permission"]
    problems = []
    if len(permissions) != 1:
        problems.append(f"expected one invoke permission, found {len(permissions)}")
    for permission in permissions:
        if permission.get("Principal") != "alexa-appkit.amazon.com":
            problems.append(f"permission for {permission.get('Principal')!r}, not Alexa")
        if permission.get("EventSourceToken") != {"Ref": "SkillId"}:
            problems.append("the Alexa permission is not restricted to the SkillId parameter")
    aliases = {name: r["Properties"] for name, r in resources.items() if r["Type"] == "AWS::Lambda::Alias"}
    if [alias["Name"] for alias in aliases.values()] != ["live"]:
        problems.append(f"expected one alias named live, found {sorted(a['Name'] for a in aliases.values())}")
    for permission in permissions:
        if permission.get("FunctionName") not in [{"Ref": name} for name in aliases]:
            problems.append(
                "the Alexa permission is not on the live alias (the skill endpoint would be refused)"
            )
    outputs = transformed.get("Outputs", {})
    if outputs.get("FunctionAliasArn", {}).get("Value") not in [{"Ref": name} for name in aliases]:
        problems.append("the FunctionAliasArn output is not the live alias")
    functions = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::Lambda::Function"]
    if len(functions) != 1 or "Role" not in functions[0]:
        problems.append("expected one function with its own role")
    roles = [r for r in resources.values() if r["Type"] == "AWS::IAM::Role"]
    if len(roles) != 1 or roles[0]["Properties"].get("ManagedPolicyArns"):
        problems.append("SAM added a role or managed policies beyond the template's own role")
    if problems:
        print("transformed template: " + "; ".join(problems), file=sys.stderr)
        raise SystemExit(1)
    print(
        f"   transformed template: {len(resources)} resources; one invoke permission, for "
        "alexa-appkit.amazon.com with EventSourceToken = SkillId, on the live alias "
        "(the FunctionAliasArn output); one role, no managed policies"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("template.yaml"))
