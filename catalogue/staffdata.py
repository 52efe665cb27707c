"""Files the staff edit (vocabularies, synonyms) live in the data directory, the packaged ones are defaults.

`pip install --upgrade` replaces the package, never the data directory: a person's edits
survive. `catalogue init` copies each packaged default into the data directory once, for the
staff to edit. A malformed file is refused with its name, line and reason, and the last
version that was read correctly stays in force (kept beside it as `.NAME.last-good`).
"""

import hashlib
import json
import logging
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from catalogue.errors import CatalogueError

log = logging.getLogger(__name__)

T = TypeVar("T")

VOCABULARIES = "vocabularies.json"
SYNONYMS = "synonyms.json"


class StaffFileError(CatalogueError):
    """A staff-edited file cannot be read: which file, which line, what is wrong."""

    def __init__(self, path, line: int | None, reason: str):
        self.path = str(path)
        self.line = line
        self.reason = reason
        where = f"{path}, ligne {line}" if line else str(path)
        super().__init__(f"{where} : {reason}")


def read_json(path: Path) -> dict:
    """The JSON object of a file; StaffFileError with the line of a syntax error."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise StaffFileError(path, None, f"fichier illisible ({exc})") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise StaffFileError(path, exc.lineno, f"JSON mal formé ({exc.msg}, colonne {exc.colno})") from exc
    if not isinstance(data, dict):
        raise StaffFileError(path, 1, "le fichier doit contenir un objet JSON { … }")
    return data


def line_of(path: Path, needle: str) -> int | None:
    """The first line of a file that contains `needle` (to point a person at an entry), or None."""
    try:
        for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
            if needle in line:
                return number
    except OSError:
        pass
    return None


def staff_path(data_path: Path, name: str) -> Path:
    """Where the staff's copy of a file lives in the data directory."""
    return Path(data_path) / name


def last_good_path(path: Path) -> Path:
    """Where the last correctly read version of a staff file is kept."""
    path = Path(path)
    return path.with_name(f".{path.name}.last-good")


def packaged_stamp_path(path: Path) -> Path:
    """Where the fingerprint of the packaged default a staff file was copied from is kept."""
    path = Path(path)
    return path.with_name(f".{path.name}.packaged-sha256")


def _sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def install_default(data_path: Path, name: str, default: Path) -> bool:
    """Copy a packaged default into the data directory for the staff to edit; True when copied.

    Like a package manager's configuration files: a copy the staff never edited (its bytes
    are still those of the default it was copied from) follows a newer packaged default
    after an upgrade; a copy the staff edited is never overwritten.
    """
    target = staff_path(data_path, name)
    stamp = packaged_stamp_path(target)
    if target.exists():
        if not stamp.exists():
            return False  # copied by an older version, or written by a person: theirs
        unedited = _sha256(target) == stamp.read_text(encoding="ascii").strip()
        if not unedited or _sha256(default) == _sha256(target):
            return False
        log.info("%s was never edited: replaced by the newer packaged default", target)
    Path(data_path).mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    shutil.copyfile(default, tmp)
    os.replace(tmp, target)
    stamp_tmp = stamp.with_name(stamp.name + ".tmp")
    stamp_tmp.write_text(_sha256(target) + "\n", encoding="ascii")
    os.replace(stamp_tmp, stamp)
    return True


def load(path: Path | None, default: Path, parse: Callable[[Path], T]) -> tuple[T, StaffFileError | None]:
    """Read a staff file with `parse` (which raises StaffFileError); (value, refusal).

    Without a staff file, the packaged default. When the staff file is malformed, the
    refusal is returned (and logged) with the value of its last good version, or of the
    packaged default when it never was read correctly.
    """
    if path is None or not Path(path).exists():
        return parse(default), None
    path = Path(path)
    try:
        value = parse(path)
    except StaffFileError as refusal:
        log.warning("%s ; la dernière version valable reste en vigueur", refusal)
        good = last_good_path(path)
        if good.exists():
            try:
                return parse(good), refusal
            except StaffFileError:
                log.warning("the last good copy %s cannot be read either: packaged default used", good)
        return parse(default), refusal
    _remember(path)
    return value, None


def _remember(path: Path) -> None:
    """Keep a copy of a file that was just read correctly (its last good version)."""
    good = last_good_path(path)
    try:
        content = path.read_bytes()
        if good.exists() and good.read_bytes() == content:
            return
        tmp = good.with_name(good.name + ".tmp")
        tmp.write_bytes(content)
        os.replace(tmp, good)
    except OSError as exc:  # a read-only data directory: the file is still used
        log.info("cannot keep the last good copy of %s: %s", path, exc)
