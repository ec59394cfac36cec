"""tools/deploy.py's plan, offline: what `make deploy` would upload and run, and that it is what
`make deploy-check` builds and checks. (`make deploy-check` also runs `make deploy DRY_RUN=1`
whole, with cfn-lint.)"""

from __future__ import annotations

import importlib.util
import json
import re
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("deploy_tool", ROOT / "tools" / "deploy.py")
assert _spec and _spec.loader
deploy = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(deploy)

URL = "https://github.com/example-owner/back-pain-guide/blob/main/docs/privacy.md"
ENDPOINTS = {
    region: f"arn:aws:lambda:{aws}:123456789012:function:bpg-BackPainGuideFunction-AbC123:live"
    for region, aws in deploy.ENDPOINT_REGIONS.items()
}


def settings(**changes: Any) -> Any:
    return deploy.parse(
        ["--dry-run", "--regions", "NA,EU,FE", "--privacy-policy-url", URL]
        + [item for key, value in changes.items() for item in (f"--{key}", value)]
    )


def test_ask_resources_point_at_the_staged_package_in_an_ignored_folder() -> None:
    staged = deploy.staged_dir()
    assert staged == ROOT / "build" / "skill-package"
    ignored = subprocess.run(["git", "check-ignore", "-q", str(staged / "skill.json")], cwd=ROOT)
    assert ignored.returncode == 0, "the staged package must not be committed"


def test_the_staged_package_holds_the_generated_models_and_the_manifest(tmp_path: Path) -> None:
    package = deploy.stage(settings(), ENDPOINTS, tmp_path / "skill-package")
    assert deploy.validate(package) == []
    models = {p.name: p.read_bytes() for p in (package / "interactionModels" / "custom").glob("*.json")}
    assert models == {p.name: p.read_bytes() for p in (ROOT / "interaction_model").glob("*.json")}
    staged = json.loads((package / "skill.json").read_text(encoding="utf-8"))
    source = json.loads((ROOT / "skill-package" / "skill.json").read_text(encoding="utf-8"))
    manifest = staged["manifest"]
    assert manifest["apis"]["custom"]["endpoint"] == {"uri": ENDPOINTS["NA"]}
    assert manifest["apis"]["custom"]["regions"] == {
        "EU": {"endpoint": {"uri": ENDPOINTS["EU"]}},
        "FE": {"endpoint": {"uri": ENDPOINTS["FE"]}},
    }
    assert manifest["events"]["endpoint"] == {"uri": ENDPOINTS["NA"]}
    assert manifest["events"]["subscriptions"] == [{"eventName": "SKILL_DISABLED"}]
    assert {v["privacyPolicyUrl"] for v in manifest["privacyAndCompliance"]["locales"].values()} == {URL}
    # apart from what the deploy fills in, the uploaded manifest is the source the tests check
    for added in (manifest["apis"]["custom"], manifest["events"]):
        added.pop("endpoint"), added.pop("regions")
    manifest["privacyAndCompliance"].pop("locales")
    assert staged == source
    for icon in ("icon_108.png", "icon_512.png"):
        assert (package / "assets" / "images" / icon).read_bytes() == (
            ROOT / "skill-package" / "assets" / "images" / icon
        ).read_bytes()


def test_the_first_upload_has_no_endpoint_and_no_event(tmp_path: Path) -> None:
    """Creating the skill comes before the function exists (its trigger needs the skill ID)."""
    package = deploy.stage(settings(), None, tmp_path / "first")
    manifest = json.loads((package / "skill.json").read_text(encoding="utf-8"))["manifest"]
    assert "endpoint" not in manifest["apis"]["custom"] and "events" not in manifest
    assert deploy.validate(package) == []


def test_validation_finds_what_smapi_would_refuse(tmp_path: Path) -> None:
    package = deploy.stage(
        settings(), {**ENDPOINTS, "EU": ENDPOINTS["EU"].removesuffix(":live")}, tmp_path / "bad"
    )
    (package / "assets" / "images" / "icon_108.png").unlink()
    document = json.loads((package / "skill.json").read_text(encoding="utf-8"))
    document["manifest"]["publishingInformation"]["distributionCountrys"] = ["US"]
    (package / "skill.json").write_text(json.dumps(document), encoding="utf-8")
    (package / "interactionModels" / "custom" / "en-GB.json").unlink()
    problems = "\n".join(deploy.validate(package))
    assert "fields the SMAPI SkillManifestEnvelope does not know" in problems
    assert "smallIconUri 'file://assets/images/icon_108.png' is not a file" in problems
    assert "is not a `live` alias ARN" in problems
    assert "are not the manifest's locales" in problems


def test_sam_builds_and_deploys_the_template_deploy_check_builds() -> None:
    check_script = (ROOT / "tools" / "deploy_check.sh").read_text(encoding="utf-8")
    built_by_check = re.search(r"^sam build --template (\S+)", check_script, re.MULTILINE)
    assert built_by_check, "deploy_check.sh runs sam build on a template"
    build = deploy.sam_build()
    assert build[:2] == ["sam", "build"] and build[build.index("--template") + 1] == built_by_check.group(1)
    build_dir = build[build.index("--build-dir") + 1]
    for region in ("NA", "EU", "FE"):
        command = deploy.sam_deploy(settings(), region, deploy.DRY_RUN_SKILL_ID)
        assert command[command.index("--template-file") + 1] == f"{build_dir}/template.yaml"
        assert command[command.index("--region") + 1] == deploy.ENDPOINT_REGIONS[region]
        assert f"SkillId={deploy.DRY_RUN_SKILL_ID}" in command and "--no-confirm-changeset" in command


def test_the_makefile_runs_it_in_the_deploy_venv_with_dry_run() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^deploy:.*\n\t(.+)$", makefile, re.MULTILINE)
    assert recipe, "make deploy exists"
    assert "tools/deploy.sh" in recipe.group(1) and "DRY_RUN" in recipe.group(1)
    assert "deploy.sh" in (ROOT / "tools" / "deploy_check.sh").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--regions", "NA,XX"], "--regions"),
        (["--regions", "NA,NA"], "--regions"),
        (["--privacy-policy-url", "http://insecure.example/privacy"], "public https:// URL"),
    ],
)
def test_bad_settings_are_refused_clearly(
    arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        deploy.parse(arguments)
    assert message in capsys.readouterr().err


def test_without_credentials_a_real_deploy_stops_before_sending_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No ASK profile: the deploy says what to run and calls neither ASK nor AWS."""
    monkeypatch.setenv("ASK_CONFIG_FILE", str(tmp_path / "no-such-config"))
    if subprocess.run(deploy.ask("--version"), cwd=ROOT, capture_output=True).returncode != 0:
        pytest.fail("the ASK CLI from package.json does not run (npm ci)")
    with pytest.raises(deploy.DeployError, match=r"npx ask configure"):
        deploy.preflight(deploy.parse([]))
    assert shlex.join(deploy.ask("deploy")) == "npx --no-install ask deploy"
