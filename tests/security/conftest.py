"""Fixtures of the security tests: the real `catalogue` command in a subprocess, as cron or a person
would run it; the site's (a copy of the seeded, indexed data directory, its app and client) and the
staff pages' (an app with one account, a logged-in client)."""

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from catalogue.cli import cli
from tests.web.conftest import app, client, site_settings, site_template  # noqa: F401
from tests.web.staff_fixtures import anonymous, resource_id, staff, staff_app, staff_template  # noqa: F401

COMMAND = [sys.executable, "-c", "from catalogue.cli import main; main()"]


class Ran:
    """What a command did: exit code, stdout, stderr."""

    def __init__(self, code: int, stdout: str, stderr: str):
        self.code = code
        self.stdout = stdout
        self.stderr = stderr

    def assert_one_french_line(self, *words: str) -> str:
        """Exit 2, no traceback, one line on stderr containing every word given; returns the line."""
        assert 2 == self.code, (self.code, self.stdout, self.stderr)
        assert "Traceback" not in self.stderr, self.stderr
        lines = self.stderr.splitlines()
        assert 1 == len(lines), self.stderr
        for word in words:
            assert word in lines[0], (word, lines[0])
        return lines[0]


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "data"


@pytest.fixture
def catalogue(data_dir):
    """Run `catalogue ARGS` on the test's data directory; returns a Ran."""

    def run(*args, input=None, stdout=None, timeout=120):
        env = {**os.environ, "CATALOGUE_DATA_DIR": str(data_dir), "CATALOGUE_SECRET_KEY": "x"}
        completed = subprocess.run(
            [*COMMAND, *map(str, args)],
            env=env,
            input=input,
            stdout=stdout if stdout is not None else subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            timeout=timeout,
        )
        return Ran(completed.returncode, completed.stdout, completed.stderr)

    return run


@pytest.fixture
def catalogue_in_process(data_dir):
    """Run `catalogue ARGS` through click's runner (same boundary, no new interpreter): for long tables."""

    def run(*args, input=None):
        result = CliRunner().invoke(cli, ["--data-dir", str(data_dir), *map(str, args)], input=input)
        return Ran(result.exit_code, result.stdout, result.stderr)

    return run
