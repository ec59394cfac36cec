"""Hardening suites: the shared support module on sys.path, a log watcher, and a summary of
how many generated cases each property ran (printed at the end of the pytest run)."""

from __future__ import annotations

import hardening_support
import pytest


@pytest.fixture
def log_watcher():
    yield from hardening_support.watch()


def pytest_terminal_summary(terminalreporter) -> None:
    if not hardening_support.CASES:
        return
    terminalreporter.section("hardening: generated cases per property")
    for prop, total in sorted(hardening_support.CASES.items()):
        kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(hardening_support.OUTCOMES[prop].items()))
        terminalreporter.write_line(f"{prop}: {total} cases ({kinds})")
