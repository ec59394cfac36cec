"""The test page's fixtures: the web service with the page (verification off, as `make simulator` runs it)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from simpage import PageClient, simulator_app


@pytest.fixture
def client() -> FlaskClient:
    return simulator_app().test_client()


@pytest.fixture
def page(client: FlaskClient) -> Callable[..., PageClient]:
    return lambda **kwargs: PageClient(client, **kwargs)
