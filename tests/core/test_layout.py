"""The package's rooms (issue #21): what Lambda runs never imports the local-only parts (web/ and
local/, which the build leaves out); the stores import their shared rules, never each other in a
cycle; handler modules are peers that share turn actions (turns/) instead of importing each other
(at any level, function-level imports included)."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "lambda" / "back_pain_guide"
LOCAL_ONLY = ("back_pain_guide.web", "back_pain_guide.local")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def imports_of(path: Path) -> set[str]:
    """Every back_pain_guide module ``path`` imports, at the top or inside a function."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.add(target)
            # "from . import paths" imports a module, not a name
            found.update(
                f"{target}.{alias.name}" for alias in node.names if modules().get(f"{target}.{alias.name}")
            )
    return {m for m in found if m.startswith("back_pain_guide") and m != name}


@cache
def modules() -> dict[str, Path]:
    return {module_name(path): path for path in PACKAGE.rglob("*.py")}


def test_no_module_outside_web_and_local_imports_them() -> None:
    offenders = {
        name: sorted(m for m in imports_of(path) if m.startswith(LOCAL_ONLY))
        for name, path in modules().items()
        if not name.startswith(LOCAL_ONLY)
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def test_the_store_package_has_no_cycle() -> None:
    store = {name: path for name, path in modules().items() if name.startswith("back_pain_guide.store.")}
    graph = {name: imports_of(path) & set(store) for name, path in store.items()}
    seen: set[str] = set()

    def visit(name: str, trail: tuple[str, ...]) -> None:
        assert name not in trail, " -> ".join((*trail, name))
        if name in seen:
            return
        for target in graph[name]:
            visit(target, (*trail, name))
        seen.add(name)

    for name in graph:
        visit(name, ())
    assert set(store) == {
        "back_pain_guide.store.rules",
        "back_pain_guide.store.sqlite",
        "back_pain_guide.store.dynamodb",
    }


def test_free_form_answering_runs_without_the_sdk() -> None:
    """freeform.py and everything it imports, at any level, import nothing from the ASK SDK."""
    pending, seen = ["back_pain_guide.freeform"], set()
    while pending:
        name = pending.pop()
        if name in seen or name not in modules():
            continue
        seen.add(name)
        tree = ast.parse(modules()[name].read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                assert not [n for n in names if n.startswith("ask_sdk")], name
        pending.extend(imports_of(modules()[name]))
    assert {"back_pain_guide.freeform", "back_pain_guide.safety", "back_pain_guide.search"} <= seen


def cycle_in(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle of ``graph`` (module -> modules it imports), or [] when there is none."""
    done: set[str] = set()

    def visit(name: str, trail: list[str]) -> list[str]:
        if name in trail:
            return [*trail[trail.index(name) :], name]
        if name in done:
            return []
        for target in sorted(graph[name]):
            found = visit(target, [*trail, name])
            if found:
                return found
        done.add(name)
        return []

    for name in sorted(graph):
        found = visit(name, [])
        if found:
            return found
    return []


def test_handler_modules_are_peers() -> None:
    """No handler module imports another; what they share lives in turns/."""
    handlers = {n: p for n, p in modules().items() if n.startswith("back_pain_guide.handlers.")}
    assert len(handlers) >= 8
    found = {name: sorted(imports_of(path) & set(handlers)) for name, path in handlers.items()}
    assert {name: peers for name, peers in found.items() if peers} == {}


def test_the_package_has_no_import_cycle() -> None:
    """Not even through an import inside a function (the lazy imports that dodged cycles are gone)."""
    graph = {name: imports_of(path) & set(modules()) for name, path in modules().items()}
    assert cycle_in(graph) == []
    assert cycle_in({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]  # the finder finds one
