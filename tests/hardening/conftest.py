"""Hardening suites: a log watcher. The summary of how many generated cases each property ran
is printed by tests/conftest.py (the one conftest an xdist controller loads)."""

from __future__ import annotations

import hardening_support
import pytest


@pytest.fixture
def log_watcher():
    yield from hardening_support.watch()
