#!/usr/bin/env python3
"""`make deploy`: from a clone to a working development skill in one command.

    make deploy                               # the skill, its five models, the function, the endpoint
    make deploy DRY_RUN=1                     # every call and payload, validated, nothing sent
    make deploy REGIONS=NA,EU,FE PRIVACY_POLICY_URL=https://.../privacy   # see docs/DEPLOY.md

Steps (Amazon's own ASK CLI v2 project layout: ask-resources.json, .ask/ask-states.json):
  1. checks: the ASK CLI runs, an ASK profile is configured, AWS credentials work (fails early)
  2. stage build/skill-package/ (ask-resources.json's src): skill-package/skill.json with the
     privacy policy URL, the icons, and interaction_model/<locale>.json as
     interactionModels/custom/<locale>.json; validate manifest and models with the SMAPI model
     classes and template.yaml with cfn-lint
  3. first deploy only: `ask deploy --target skill-metadata` without endpoint, to create the
     skill and get its ID (the function's Alexa trigger needs the ID)
  4. `sam build`, then `sam deploy` of template.yaml once per endpoint region (NA us-east-1,
     EU eu-west-1, FE us-west-2), SkillId set; the stack's FunctionAliasArn (alias `live`)
  5. stage again with the endpoint (default region, plus per-region endpoints) and the
     SKILL_DISABLED event; `ask deploy`: uploads the package, builds the models, enables testing
Runs in .venv-deploy (tools/deploy.sh sets it up), with the ASK CLI from node_modules.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parents[1]
SOURCE_PACKAGE = ROOT / "skill-package"
MODELS = ROOT / "interaction_model"
TEMPLATE = ROOT / "template.yaml"
RESOURCES = ROOT / "ask-resources.json"
STATES = ROOT / ".ask" / "ask-states.json"
SAM_BUILD_DIR = ROOT / ".aws-sam" / "build"
#: Alexa's endpoint regions and the AWS region each one calls (Alexa's own pairing).
ENDPOINT_REGIONS = {"NA": "us-east-1", "EU": "eu-west-1", "FE": "us-west-2"}
DRY_RUN_SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
SKILL_ID = re.compile(r"amzn1\.ask\.skill\.[0-9a-f-]{36}")
ALIAS_ARN = re.compile(r"arn:aws:lambda:[a-z0-9-]+:\d{12}:function:[\w-]+:live")


class DeployError(Exception):
    """Something the developer must fix before a deploy can go on; the message says what."""


class Settings(NamedTuple):
    stack_name: str
    regions: tuple[str, ...]  # endpoint regions, the first is the default endpoint
    ask_profile: str
    aws_profile: str | None
    privacy_policy_url: str | None
    dry_run: bool


# -- the skill package ----------------------------------------------------------------------


def staged_dir() -> Path:
    """Where ask-resources.json says the skill package is (the staged copy under build/)."""
    resources = json.loads(RESOURCES.read_text(encoding="utf-8"))
    return (ROOT / resources["profiles"]["default"]["skillMetadata"]["src"]).resolve()


def manifest_for(settings: Settings, endpoints: dict[str, str] | None) -> dict[str, Any]:
    """skill-package/skill.json with the privacy policy URL and, once the function exists, the
    endpoints (default region and the others) and the SKILL_DISABLED event's endpoint."""
    document = json.loads((SOURCE_PACKAGE / "skill.json").read_text(encoding="utf-8"))
    manifest = document["manifest"]
    locales = manifest["publishingInformation"]["locales"]
    if settings.privacy_policy_url:
        manifest["privacyAndCompliance"]["locales"] = {
            locale: {"privacyPolicyUrl": settings.privacy_policy_url} for locale in locales
        }
    if endpoints is None:  # the first import: no function yet, so no endpoint and no event
        manifest.pop("events", None)
        return document
    default, *others = settings.regions
    custom = manifest["apis"]["custom"]
    custom["endpoint"] = {"uri": endpoints[default]}
    events = manifest["events"]
    events["endpoint"] = {"uri": endpoints[default]}
    if others:
        custom["regions"] = {region: {"endpoint": {"uri": endpoints[region]}} for region in others}
        events["regions"] = {region: {"endpoint": {"uri": endpoints[region]}} for region in others}
    return document


def stage(settings: Settings, endpoints: dict[str, str] | None, target: Path | None = None) -> Path:
    """Writes the skill package as the ASK CLI uploads it; returns its folder."""
    target = target or staged_dir()
    if target.exists():
        shutil.rmtree(target)
    document = manifest_for(settings, endpoints)
    (target / "interactionModels" / "custom").mkdir(parents=True)
    (target / "skill.json").write_text(
        json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    shutil.copytree(SOURCE_PACKAGE / "assets" / "images", target / "assets" / "images")
    for locale in document["manifest"]["publishingInformation"]["locales"]:
        shutil.copyfile(MODELS / f"{locale}.json", target / "interactionModels" / "custom" / f"{locale}.json")
    return target


def validate(package: Path) -> list[str]:
    """Problems with a staged package, found with the SMAPI model classes and by reading it."""
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_smapi_model.v1.skill.interaction_model.interaction_model_data import InteractionModelData
    from ask_smapi_model.v1.skill.manifest.skill_manifest_envelope import SkillManifestEnvelope

    serializer, problems = DefaultSerializer(), []

    def round_trip(path: Path, kind: type) -> dict[str, Any]:
        payload = path.read_text(encoding="utf-8")
        if serializer.serialize(serializer.deserialize(payload, kind)) != json.loads(payload):
            problems.append(f"{path.name}: fields the SMAPI {kind.__name__} does not know (misspelled?)")
        return json.loads(payload)

    manifest = round_trip(package / "skill.json", SkillManifestEnvelope)["manifest"]
    locales = manifest["publishingInformation"]["locales"]
    models = {path.stem for path in (package / "interactionModels" / "custom").glob("*.json")}
    if models != set(locales):
        problems.append(f"models {sorted(models)} are not the manifest's locales {sorted(locales)}")
    for locale in sorted(models):
        model = round_trip(package / "interactionModels" / "custom" / f"{locale}.json", InteractionModelData)
        if not model["interactionModel"]["languageModel"].get("invocationName"):
            problems.append(f"{locale}: no invocation name")
    for locale, published in locales.items():
        for field in ("smallIconUri", "largeIconUri"):
            uri = published.get(field, "")
            if not (uri.startswith("file://") and (package / uri.removeprefix("file://")).is_file()):
                problems.append(f"{locale}: {field} {uri!r} is not a file in the package")
    for field in ("endpoint",):
        for where in (manifest["apis"]["custom"], manifest.get("events", {})):
            uris = [where[field]["uri"]] if field in where else []
            uris += [r["endpoint"]["uri"] for r in where.get("regions", {}).values()]
            problems += [
                f"endpoint {uri!r} is not a `live` alias ARN" for uri in uris if not ALIAS_ARN.fullmatch(uri)
            ]
    return problems


def lint_template() -> list[str]:
    """cfn-lint's findings on template.yaml (.venv-deploy has it)."""
    lint = shutil.which("cfn-lint")
    if lint is None:
        return ["cfn-lint is not on PATH (make deploy puts .venv-deploy/bin first)"]
    found = subprocess.run([lint, str(TEMPLATE)], capture_output=True, text=True)
    return [] if found.returncode == 0 else [f"cfn-lint: {found.stdout.strip() or found.stderr.strip()}"]


# -- the calls ------------------------------------------------------------------------------


def ask(*arguments: str) -> list[str]:
    """The project's own ASK CLI (package.json pins it; no global install)."""
    return ["npx", "--no-install", "ask", *arguments]


def sam_build() -> list[str]:
    return [
        "sam",
        "build",
        "--template",
        str(TEMPLATE.relative_to(ROOT)),
        "--build-dir",
        str(SAM_BUILD_DIR.relative_to(ROOT)),
        "--cache-dir",
        ".aws-sam/cache",
    ]


def sam_deploy(settings: Settings, region: str, skill_id: str) -> list[str]:
    command = [
        "sam",
        "deploy",
        "--template-file",
        str((SAM_BUILD_DIR / "template.yaml").relative_to(ROOT)),
        "--stack-name",
        settings.stack_name,
        "--region",
        ENDPOINT_REGIONS[region],
        "--resolve-s3",
        "--capabilities",
        "CAPABILITY_IAM",
        "--no-confirm-changeset",
        "--no-fail-on-empty-changeset",
        "--parameter-overrides",
        f"SkillId={skill_id}",
    ]
    return command + (["--profile", settings.aws_profile] if settings.aws_profile else [])


def run(settings: Settings, command: list[str], payload: str = "") -> None:
    """Runs one call (or, in a dry run, says what it would run) from the project root."""
    print(f"\n$ {' '.join(command)}" + (f"\n  payload: {payload}" if payload else ""), flush=True)
    if settings.dry_run:
        return
    if subprocess.run(command, cwd=ROOT).returncode != 0:
        raise DeployError(f"`{' '.join(command[:3])} ...` failed (its output is above)")


def skill_id_from_states(profile: str) -> str | None:
    if not STATES.is_file():
        return None
    skill_id = (
        json.loads(STATES.read_text(encoding="utf-8")).get("profiles", {}).get(profile, {}).get("skillId")
    )
    return skill_id if isinstance(skill_id, str) and SKILL_ID.fullmatch(skill_id) else None


def alias_arn(settings: Settings, region: str) -> str:
    """The stack's FunctionAliasArn output in that region."""
    if settings.dry_run:
        return (
            f"arn:aws:lambda:{ENDPOINT_REGIONS[region]}:000000000000:function:"
            f"{settings.stack_name}-BackPainGuideFunction-DRYRUN:live"
        )
    import boto3

    session = boto3.Session(profile_name=settings.aws_profile, region_name=ENDPOINT_REGIONS[region])
    stack = session.client("cloudformation").describe_stacks(StackName=settings.stack_name)["Stacks"][0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    return outputs["FunctionAliasArn"]


# -- checks before anything is sent ---------------------------------------------------------


def ask_config() -> dict[str, Any]:
    path = Path(os.environ.get("ASK_CONFIG_FILE", Path.home() / ".ask" / "cli_config"))
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def preflight(settings: Settings) -> Settings:
    """Fails early, with what to do, when a tool or a credential is missing; fills the AWS profile
    in from the ASK profile when none was given."""
    if subprocess.run(ask("--version"), cwd=ROOT, capture_output=True).returncode != 0:
        raise DeployError(
            "the ASK CLI does not run: `npm ci` installs it (package.json), on Node 18 or newer"
        )
    if settings.dry_run:
        return settings
    profile = ask_config().get("profiles", {}).get(settings.ask_profile)
    if not profile:
        raise DeployError(
            f"no ASK CLI profile {settings.ask_profile!r}: run `npx ask configure` once "
            "(it signs in to your Amazon developer account and can link an AWS profile)"
        )
    aws_profile = settings.aws_profile or profile.get("aws_profile") or None
    import boto3
    import botocore.exceptions

    try:
        identity = (
            boto3.Session(profile_name=aws_profile)
            .client("sts", region_name=ENDPOINT_REGIONS[settings.regions[0]])
            .get_caller_identity()
        )
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as error:
        raise DeployError(
            f"no working AWS credentials ({type(error).__name__}): run `npx ask configure` "
            "and link an AWS profile, or set AWS_PROFILE (docs/DEPLOY.md)"
        ) from None
    print(
        f"AWS account {identity['Account']} (profile {aws_profile or 'default'}), "
        f"ASK profile {settings.ask_profile}"
    )
    return settings._replace(aws_profile=aws_profile)


def check_package(settings: Settings, endpoints: dict[str, str] | None) -> Path:
    package = stage(settings, endpoints)
    problems = validate(package)
    if problems:
        raise DeployError("the skill package is not valid:\n  " + "\n  ".join(problems))
    print(
        f"  staged {package.relative_to(ROOT)}: manifest and {len(list(package.glob('interactionModels/custom/*.json')))} "
        "models pass the SMAPI model classes; icons present"
        + ("" if endpoints is None else f"; endpoint {endpoints[settings.regions[0]]}")
    )
    return package


def deploy(settings: Settings) -> None:
    settings = preflight(settings)
    print("\n== checks: template and skill package")
    problems = lint_template()
    if problems:
        raise DeployError("\n".join(problems))
    print("  cfn-lint template.yaml: no findings")
    if not settings.privacy_policy_url:
        print("  note: no PRIVACY_POLICY_URL: fine for development, required before certification")

    skill_id = skill_id_from_states(settings.ask_profile)
    if skill_id is None:
        print("\n== create the skill (first deploy): the package without an endpoint")
        package = check_package(settings, None)
        run(
            settings,
            ask("deploy", "--target", "skill-metadata", "--ignore-hash", "--profile", settings.ask_profile),
            f"{package.relative_to(ROOT)} (skill.json without endpoint, models, icons)",
        )
        skill_id = DRY_RUN_SKILL_ID if settings.dry_run else skill_id_from_states(settings.ask_profile)
        if skill_id is None:
            raise DeployError(f"ask deploy left no skill ID in {STATES.relative_to(ROOT)}")
    print(f"  skill ID {skill_id}")

    print("\n== the function: sam build, then sam deploy per endpoint region")
    run(settings, sam_build())
    endpoints = {}
    for region in settings.regions:
        run(settings, sam_deploy(settings, region, skill_id), f"{TEMPLATE.name} with SkillId={skill_id}")
        endpoints[region] = alias_arn(settings, region)
        print(f"  {region} ({ENDPOINT_REGIONS[region]}): {endpoints[region]}")

    print("\n== the skill: manifest with endpoints and SKILL_DISABLED, models, icons; enable testing")
    package = check_package(settings, endpoints)
    run(
        settings,
        ask("deploy", "--ignore-hash", "--profile", settings.ask_profile),
        f"{package.relative_to(ROOT)}",
    )

    phrases = json.loads((package / "skill.json").read_text(encoding="utf-8"))["manifest"][
        "publishingInformation"
    ]["locales"]["en-US"]["examplePhrases"]
    print(
        ("\nDry run: every payload above is valid; nothing was sent." if settings.dry_run else "\nDeployed.")
        + f"\nTest it: npx ask dialog --skill-id {skill_id} --locale en-US, or in the developer console's "
        "Test tab, or on an Echo signed in to your developer account. Say:\n  "
        + "\n  ".join(phrases)
        + "\n  Alexa, ask back pain guide to check my symptoms"
    )


def parse(argv: list[str]) -> Settings:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dry-run", action="store_true", help="print and validate every call; send nothing")
    parser.add_argument(
        "--regions",
        default=os.environ.get("REGIONS") or "NA",
        help="endpoint regions, comma-separated, default first: NA, EU, FE (default NA)",
    )
    parser.add_argument("--stack-name", default=os.environ.get("STACK_NAME") or "back-pain-guide")
    parser.add_argument("--ask-profile", default=os.environ.get("ASK_PROFILE") or "default")
    parser.add_argument("--aws-profile", default=os.environ.get("AWS_PROFILE") or None)
    parser.add_argument("--privacy-policy-url", default=os.environ.get("PRIVACY_POLICY_URL") or None)
    args = parser.parse_args(argv)
    regions = tuple(r.strip().upper() for r in args.regions.split(",") if r.strip())
    unknown = [r for r in regions if r not in ENDPOINT_REGIONS]
    if not regions or unknown or len(set(regions)) != len(regions):
        parser.error(
            f"--regions: one or more of {', '.join(ENDPOINT_REGIONS)}, each once (got {args.regions!r})"
        )
    url = args.privacy_policy_url
    if url is not None and not re.fullmatch(r"https://[^\s<>\"]+", url):
        parser.error(f"PRIVACY_POLICY_URL must be a public https:// URL (got {url!r})")
    return Settings(args.stack_name, regions, args.ask_profile, args.aws_profile, url, args.dry_run)


def main(argv: list[str] | None = None) -> int:
    settings = parse(sys.argv[1:] if argv is None else argv)
    try:
        deploy(settings)
    except DeployError as error:
        print(f"\nmake deploy: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
