"""Fixtures: the real service on a free port, with and without request verification."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterator

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "web"))

from service import running_service  # noqa: E402


@pytest.fixture(scope="module")
def unverified_service() -> Iterator[str]:
    with running_service("--no-verify") as url:
        yield url


@pytest.fixture(scope="module")
def verifying_service() -> Iterator[str]:
    with running_service() as url:
        yield url
