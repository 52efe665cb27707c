"""Fixtures shared by every test folder: settings in a temporary data directory, a store, a local server."""

import pytest

from catalogue.settings import Settings
from catalogue.store import Store
from tests.localserver import LocalServer


@pytest.fixture
def settings(tmp_path):
    """Settings with a fresh data directory and private addresses allowed (the test servers are on 127.0.0.1)."""
    return Settings(
        {"data_dir": str(tmp_path / "data"), "allow_private_networks": True, "per_host_delay": 0.0},
        environ={},
    )


@pytest.fixture
def store(settings):
    """An empty store in the temporary data directory."""
    s = Store.open(settings)
    yield s
    s.close()


@pytest.fixture
def server():
    """A running local HTTP server; add routes with server.routes[path] = Response(...)."""
    with LocalServer() as srv:
        yield srv
