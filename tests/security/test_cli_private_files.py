"""The data directory (password hashes, sessions, staff notes) is created private: folder 0700, database 0600."""

import json
import stat


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_data_directory_is_private_to_its_owner(catalogue, data_dir):
    line = json.dumps({"url": "https://ex.example/a", "title": "A"})
    ran = catalogue("import", "-", input=line + "\n")
    assert 0 == ran.code, ran.stderr
    database = data_dir / "catalogue.sqlite3"
    assert (0o700, 0o600) == (mode(data_dir), mode(database))
    for companion in (data_dir / "catalogue.sqlite3-wal", data_dir / "catalogue.sqlite3-shm"):
        if companion.exists():
            assert 0o600 == mode(companion), companion


def test_the_site_started_first_creates_it_private_too(settings):
    from web import create_app

    create_app({"TESTING": True, "SETTINGS": settings})
    assert 0o700 == mode(settings.data_path)
