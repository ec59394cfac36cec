"""lambda/Makefile builds with POSIX tools only, so `sam build` works on a stock Mac (BSD tools).

The steps that copy files and prune the package run here behind shims for every tool a recipe
calls: a shim refuses GNU long options (``cp --parents``, ``find --help``...) and the GNU-only
short forms a Mac lacks (``sed -i`` without a suffix, ``grep -P``, ``find -printf``,
``readlink -f``, ``cp -t``, ``xargs -r``), then runs the real tool. The dependency install
(pip from PyPI) is left to `make deploy-check`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAKEFILE = ROOT / "lambda" / "Makefile"
EXCLUDE_LIST = ROOT / "lambda" / "package-exclude.txt"
TOOLS = (
    "cp",
    "find",
    "grep",
    "mkdir",
    "rm",
    "sed",
    "cat",
    "echo",
    "test",
    "touch",
    "xargs",
    "readlink",
    "tar",
)

SHIM = """#!/bin/sh
# {tool} without GNU extensions: refuse them, then run {real}
for arg in "$@"; do
    case "$arg" in
        --) break ;;
        --*) echo "GNU-only option $arg to {tool}" >&2; exit 97 ;;
    esac
    case "{tool} $arg" in
        "find -printf"|"find -regextype"|"grep -P"|"readlink -f"|"cp -t"|"xargs -r"|"sed -i")
            echo "GNU-only option $arg to {tool}" >&2; exit 97 ;;
    esac
done
exec {real} "$@"
"""


def unmatched_excludes() -> list[str]:
    return [
        line.strip()
        for line in EXCLUDE_LIST.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


@pytest.fixture(scope="module")
def posix_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A PATH whose tools refuse GNU extensions (make, python and sh come after them)."""
    shims = tmp_path_factory.mktemp("shims")
    for tool in TOOLS:
        real = shutil.which(tool)
        if real is None:
            continue
        shim = shims / tool
        shim.write_text(SHIM.format(tool=tool, real=real), encoding="utf-8")
        shim.chmod(0o755)
    return f"{shims}{os.pathsep}{os.environ['PATH']}"


def make(target: str, artifacts: Path, path: str, **variables: str) -> subprocess.CompletedProcess[str]:
    arguments = [
        f"{name}={value}"
        for name, value in {"ARTIFACTS_DIR": str(artifacts), "PYTHON": sys.executable, **variables}.items()
    ]
    # -o install-dependencies: take the pip step as done (it needs PyPI; deploy-check runs it).
    return subprocess.run(
        ["make", "-s", "-f", str(MAKEFILE), "-o", "install-dependencies", target, *arguments],
        env={**os.environ, "PATH": path},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_shims_refuse_gnu_extensions(posix_path: str, tmp_path: Path) -> None:
    """The check can fail: cp --parents, the line this Makefile used to have, is refused."""
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "f").write_text("x")
    refused = subprocess.run(
        ["cp", "--parents", "a/f", str(tmp_path / "out")],
        cwd=tmp_path,
        env={**os.environ, "PATH": posix_path},
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 97 and "GNU-only option --parents" in refused.stderr
    allowed = subprocess.run(["cp", "a/f", "g"], cwd=tmp_path, env={**os.environ, "PATH": posix_path})
    assert allowed.returncode == 0 and (tmp_path / "g").read_text() == "x"


def test_copy_sources_with_posix_tools(posix_path: str, tmp_path: Path) -> None:
    built = tmp_path / "fn"
    result = make("copy-sources", built, posix_path)
    assert result.returncode == 0, result.stderr
    source = ROOT / "lambda" / "back_pain_guide"
    expected = {
        p.relative_to(source.parent)
        for p in source.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".pyc", ".pyo")
    }
    copied = {p.relative_to(built) for p in (built / "back_pain_guide").rglob("*") if p.is_file()}
    assert copied == expected
    for relative in expected:
        assert (built / relative).read_bytes() == (ROOT / "lambda" / relative).read_bytes(), relative
    content = ROOT / "content"
    assert {p.relative_to(content) for p in content.rglob("*.json")} == {
        p.relative_to(built / "content") for p in (built / "content").rglob("*") if p.is_file()
    }
    assert (built / "lambda_function.py").read_bytes() == (
        ROOT / "lambda" / "lambda_function.py"
    ).read_bytes()


def fake_package(built: Path) -> None:
    """A built folder holding one file for each pattern of package-exclude.txt, and a keeper."""
    for pattern in unmatched_excludes():
        if pattern.startswith("back_pain_guide/"):
            continue  # the skill's own folders: copy-sources brings the real ones
        path = built / pattern.replace("*", "some_dep-1.0")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("left out")
    (built / "ask_sdk_core").mkdir(parents=True, exist_ok=True)
    (built / "ask_sdk_core" / "__init__.py").write_text("kept")
    (built / "some_dep-1.0.dist-info" / "METADATA").write_text("kept")


def test_prune_leaves_out_the_listed_paths_with_posix_tools(posix_path: str, tmp_path: Path) -> None:
    built = tmp_path / "fn"
    fake_package(built)
    result = make("prune", built, posix_path)
    assert result.returncode == 0, result.stderr
    remaining = sorted(str(p.relative_to(built)) for p in built.rglob("*") if p.is_file())
    # copy-sources ran first (prune depends on it); of the fakes only the two keepers remain
    assert "ask_sdk_core/__init__.py" in remaining and "some_dep-1.0.dist-info/METADATA" in remaining
    assert not [r for r in remaining if (built / r).read_text(errors="replace") == "left out"]
    assert not (built / "charset_normalizer").exists() and not (built / "requests").exists()
    assert not (built / "back_pain_guide" / "web").exists()
    assert not (built / "back_pain_guide" / "local").exists()
    assert (built / "back_pain_guide" / "skill.py").is_file()


def test_prune_fails_when_a_pattern_matches_nothing(posix_path: str, tmp_path: Path) -> None:
    """A stale line in package-exclude.txt (a dependency renamed or gone) stops the build."""
    built = tmp_path / "fn"
    fake_package(built)
    (built / "charset_normalizer").unlink()
    result = make("prune", built, posix_path)
    assert result.returncode != 0
    assert "'charset_normalizer' matches nothing" in result.stderr


def test_an_old_python_gets_a_clear_message(posix_path: str, tmp_path: Path) -> None:
    old = tmp_path / "python3.9"
    old.write_text("#!/bin/sh\ncase \"$1\" in --version) echo 'Python 3.9.6';; *) exit 1;; esac\n")
    old.chmod(0o755)
    result = make("copy-sources", tmp_path / "fn", posix_path, PYTHON=str(old))
    assert result.returncode != 0
    assert "needs Python 3.10 or newer" in result.stderr and "Python 3.9.6" in result.stderr
    assert not (tmp_path / "fn" / "back_pain_guide").exists()
