"""Fixtures: the real service on a free port, with and without request verification."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from service import running_service

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def unverified_service() -> Iterator[str]:
    with running_service("--no-verify") as url:
        yield url


@pytest.fixture(scope="module")
def verifying_service() -> Iterator[str]:
    with running_service() as url:
        yield url
