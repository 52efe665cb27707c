"""The CLI's error boundary: what an expected failure of the environment says, in one French line.

An expected failure is one a person can act on: a full disk, a locked or unreadable
database, a missing folder, a refused permission, a port in use, the network down. It
becomes one line on stderr naming the file or address, and exit code 2 (never 1, which
cron and the systemd unit read as "some resources failed"). Anything else is a bug: its
traceback is printed, then a line asking to report it, and the exit code is 2 as well.
"""

import errno
import os
import socket
import sqlite3
import sys
from pathlib import Path

from catalogue.errors import CatalogueError, StoreError

# SQLite primary result codes (the low byte of an extended code), see sqlite.org/rescode.html.
SQLITE_MESSAGES = {
    3: "accès refusé à la base de données {db}",  # SQLITE_PERM
    5: "la base de données {db} est occupée par un autre processus ; réessayez quand il aura fini",  # BUSY
    6: "la base de données {db} est verrouillée ; réessayez quand l'autre opération aura fini",  # LOCKED
    8: "la base de données {db} est en lecture seule (droits du fichier ou du dossier)",  # READONLY
    10: "erreur d'entrée-sortie sur la base de données {db} (disque plein ou défaillant ?)",  # IOERR
    11: "la base de données {db} est endommagée ; restaurez une sauvegarde (catalogue export)",  # CORRUPT
    13: "disque plein : impossible d'écrire dans la base de données {db} ; libérez de la place "
    "puis relancez (rien de ce qui était enregistré n'est perdu)",  # FULL
    14: "impossible d'ouvrir la base de données {db} (dossier absent ou droits insuffisants)",  # CANTOPEN
    26: "{db} n'est pas une base de données du catalogue",  # NOTADB
}

OS_MESSAGES = {
    errno.ENOSPC: "disque plein : impossible d'écrire {what} ; libérez de la place puis relancez",
    errno.EDQUOT: "quota disque dépassé : impossible d'écrire {what}",
    errno.EFBIG: "fichier trop gros pour le système : {what}",
    errno.EACCES: "permission refusée : {what}",
    errno.EPERM: "opération non permise : {what}",
    errno.ENOENT: "fichier ou dossier introuvable : {what}",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier : {what}",
    errno.EISDIR: "{what} est un dossier, pas un fichier",
    errno.EROFS: "système de fichiers en lecture seule : {what}",
    errno.EIO: "erreur d'entrée-sortie (disque défaillant ?) : {what}",
    errno.EMFILE: "trop de fichiers ouverts par le programme : {what}",
    errno.ENFILE: "trop de fichiers ouverts sur le système : {what}",
    errno.EADDRINUSE: "adresse déjà utilisée : {what}",
    errno.EADDRNOTAVAIL: "adresse non disponible sur cette machine : {what}",
    errno.ENETDOWN: "réseau indisponible : {what}",
    errno.ENETUNREACH: "réseau injoignable : {what}",
    errno.EHOSTUNREACH: "hôte injoignable : {what}",
    errno.ECONNREFUSED: "connexion refusée : {what}",
    errno.ETIMEDOUT: "délai dépassé : {what}",
    errno.EPIPE: "la sortie a été fermée avant la fin : {what}",
}


def _sqlite_message(exc: sqlite3.Error, database) -> str | None:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:
        return None
    template = SQLITE_MESSAGES.get(code & 0xFF)
    return template.format(db=database or "du catalogue") if template else None


def _network_message(exc: OSError) -> str | None:
    """A failure of the requests library (network down, name unknown): its URL, in words."""
    request = getattr(exc, "request", None)
    url = getattr(request, "url", None)
    if type(exc).__module__.split(".")[0] not in ("requests", "urllib3"):
        return None
    return f"réseau indisponible ou adresse injoignable : {url or 'adresse inconnue'} ({type(exc).__name__})"


def _os_message(exc: OSError) -> str:
    if isinstance(exc, socket.gaierror):
        return f"nom d'hôte introuvable ({exc.strerror or exc})"
    network = _network_message(exc)
    if network:
        return network
    what = exc.filename if exc.filename is not None else "(sortie standard ou fichier de données)"
    if exc.filename2 is not None:
        what = f"{exc.filename} → {exc.filename2}"
    template = OS_MESSAGES.get(exc.errno)
    if template:
        return template.format(what=what)
    return f"erreur du système ({exc.strerror or exc}) : {what}"


def expected_failure(exc: BaseException, database=None) -> str | None:
    """The French line for an expected failure of the environment, or None when `exc` is a bug."""
    if isinstance(exc, sqlite3.Error):
        return _sqlite_message(exc, database)
    if isinstance(exc, OSError):
        return _os_message(exc)
    return None


def catalogue_error_line(exc: CatalogueError, database=None) -> str:
    """The line of a library error; a database that cannot be opened says why in French words (read-only
    file system, permission, disk full), not in the system's English."""
    cause = exc.__cause__
    if isinstance(exc, StoreError) and isinstance(cause, (OSError, sqlite3.Error)):
        why = expected_failure(cause, database)
        if why:
            return f"impossible d'ouvrir la base de données : {why}"
    return str(exc)


BUG_MESSAGE = (
    "défaut inattendu du programme, pas de vos données : merci de le signaler aux mainteneurs "
    "du catalogue avec la commande lancée et la trace ci-dessus (voir SECURITY.md)."
)


def discard_unwritable_stdout() -> None:
    """When stdout cannot be written (disk full, pipe closed), point it at /dev/null.

    Otherwise Python flushes it again at exit, prints "Exception ignored" and exits 120.
    """
    try:
        sys.stdout.flush()
    except OSError:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
        except (OSError, ValueError):
            pass


class OutputPathError(CatalogueError):
    """A file named by an option (--report, --output) cannot be written: said before any work starts."""


def check_output_path(path: str, option: str) -> None:
    """Refuse, before any work, an output file whose folder is missing or not writable ("-" is stdout)."""
    if path == "-":
        return
    target = Path(path)
    folder = target.parent
    if target.is_dir():
        raise OutputPathError(f"{option} {path} : c'est un dossier, pas un fichier")
    if not folder.exists():
        raise OutputPathError(f"{option} {path} : le dossier {folder} n'existe pas")
    if not folder.is_dir():
        raise OutputPathError(f"{option} {path} : {folder} n'est pas un dossier")
    if not os.access(folder, os.W_OK | os.X_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise OutputPathError(f"{option} {path} : pas le droit d'écrire ce fichier")
