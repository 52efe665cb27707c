"""A really full disk (a small tmpfs mounted for the test) under `catalogue import`: one line, exit 2, nothing lost."""

import json
import os
import subprocess
import sys

import pytest


@pytest.fixture
def small_disk(tmp_path):
    """A 2 MiB filesystem of its own (needs root, as on the project's machines and CI)."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount_point)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.decode(errors='replace').strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill(folder, room: int) -> None:
    """Write a file until the filesystem refuses more (ENOSPC), then give back `room` bytes."""
    with open(folder / "filler", "wb", buffering=0) as filler:
        try:
            while True:
                filler.write(b"\0" * 4096)
        except OSError:
            pass
    size = (folder / "filler").stat().st_size
    os.truncate(folder / "filler", max(0, size - room))


def test_an_import_onto_a_full_disk_says_so_in_one_line_and_keeps_the_catalogue(small_disk, tmp_path):
    env = {**os.environ, "CATALOGUE_DATA_DIR": str(small_disk / "data")}

    def catalogue(*args, input=None):
        command = [sys.executable, "-c", "from catalogue.cli import main; main()", *args]
        return subprocess.run(command, env=env, input=input, capture_output=True, text=True, timeout=120)

    first = json.dumps({"url": "https://ex.example/premier", "title": "Premier"}) + "\n"
    assert 0 == catalogue("import", "--no-index", "-", input=first).returncode
    before = catalogue("export").stdout
    fill(small_disk, room=256 * 1024)  # enough to open the database, not to write 1.6 MB
    many = "".join(
        json.dumps({"url": f"https://ex.example/{n}", "title": f"Ressource {n}", "text": "mot " * 2000})
        + "\n"
        for n in range(200)
    )
    ran = catalogue("import", "--no-index", "-", input=many)
    assert 2 == ran.returncode, ran.stderr
    assert "Traceback" not in ran.stderr
    assert 1 == len(ran.stderr.splitlines()), ran.stderr
    assert "disque plein" in ran.stderr or "entrée-sortie" in ran.stderr
    assert str(small_disk / "data") in ran.stderr
    (small_disk / "filler").unlink()
    assert before == catalogue("export").stdout
