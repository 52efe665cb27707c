"""Settings: declared once, read from overrides, then the environment, then defaults."""

import pytest

from catalogue.settings import DECLARED, Settings


def test_override_beats_environment_beats_default():
    env = {"CATALOGUE_DEADLINE": "12.5", "CATALOGUE_RETRIES": "7"}
    s = Settings({"retries": 1}, environ=env)
    assert (12.5, 1, 10.0) == (s.deadline, s.retries, s.read_timeout)


@pytest.mark.parametrize(
    "raw, expected", [("1", True), ("true", True), ("oui", True), ("0", False), ("no", False)]
)
def test_allow_private_networks_is_read_from_the_environment(raw, expected):
    assert expected is Settings(environ={"CATALOGUE_ALLOW_PRIVATE_NETWORKS": raw}).allow_private_networks


def test_default_data_dir_follows_xdg_and_paths_hang_off_it(tmp_path):
    s = Settings(environ={})
    assert s.data_dir.endswith("cites-catalogue")
    s = Settings({"data_dir": str(tmp_path)}, environ={})
    assert (tmp_path / "catalogue.sqlite3", tmp_path / "index") == (s.database_path, s.index_path)


def test_unknown_setting_is_refused_by_name():
    with pytest.raises(KeyError, match="colour"):
        Settings({"colour": "blue"})


def test_every_setting_has_a_help_line_and_a_distinct_name():
    assert all(s.help for s in DECLARED)
    assert len({s.name for s in DECLARED}) == len(DECLARED)


def test_user_agent_carries_the_contact_address():
    s = Settings({"contact": "irev@example.org"}, environ={})
    assert "irev@example.org" in s.effective_user_agent
