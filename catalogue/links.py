"""The closed sets of link health, each named once with its French words and its colour.

    FetchOutcome   how one request ended (crawler/fetch.py, the crawl's summary)
    Verdict        what a check concluded about a link (crawler/verdicts.py)
    LinkStatus     what a person is told: ok, à vérifier, cassé, or not checked yet

A status has one label and one colour (a CSS class of web/static/site.css) used alike by
the search facets, the resource page, the staff table and chart, and the reports.
"""

from enum import StrEnum


class Verdict(StrEnum):
    """The outcome of checking one link."""

    OK = "ok"
    MOVED = "moved"
    BROKEN = "broken"
    ERROR = "error"
    TIMEOUT = "timeout"
    DNS = "dns"
    REFUSED = "refused"
    TLS = "tls"
    LOOP = "loop"
    SOFT404 = "soft404"
    ROBOTS = "robots"
    BLOCKED = "blocked"
    RATE_LIMITED = "rate_limited"
    INVALID = "invalid"


class LinkStatus(StrEnum):
    """The state of a link as people see it."""

    OK = "ok"
    TO_CHECK = "a-verifier"
    BROKEN = "casse"
    UNCHECKED = ""


class FetchOutcome(StrEnum):
    """How one fetch ended (a crawl's outcomes add `extraction`: fetched but unreadable)."""

    OK = "ok"
    NOT_MODIFIED = "not_modified"
    HTTP = "http"
    TIMEOUT = "timeout"
    DNS = "dns"
    REFUSED = "refused"
    RESET = "reset"
    TLS = "tls"
    TOO_LARGE = "too_large"
    ROBOTS = "robots"
    FORBIDDEN_ADDRESS = "forbidden_address"
    INVALID = "invalid"
    LOOP = "loop"
    EXTRACTION = "extraction"
    ERROR = "error"


# Verdicts that count as a failing night (confirmed "cassé" after enough nights in a row).
FAILING = frozenset(
    {
        Verdict.BROKEN,
        Verdict.ERROR,
        Verdict.TIMEOUT,
        Verdict.DNS,
        Verdict.REFUSED,
        Verdict.TLS,
        Verdict.LOOP,
        Verdict.SOFT404,
        Verdict.INVALID,
    }
)
# Verdicts that say nothing of the link itself: a person has to look ("à vérifier").
NEUTRAL = frozenset({Verdict.ROBOTS, Verdict.BLOCKED, Verdict.RATE_LIMITED})
# Network-level failures: when most hosts of a run fail this way, the machine is offline.
NETWORK = frozenset({Verdict.DNS, Verdict.REFUSED, Verdict.TIMEOUT})
# The statuses a link can have once checked, in the order they are listed.
STATUSES = (LinkStatus.OK, LinkStatus.TO_CHECK, LinkStatus.BROKEN)

VERDICT_LABELS = {
    Verdict.OK: "Fonctionne",
    Verdict.MOVED: "Déplacée",
    Verdict.BROKEN: "Introuvable (404, 410)",
    Verdict.ERROR: "Erreur du serveur",
    Verdict.TIMEOUT: "Délai dépassé",
    Verdict.DNS: "Nom de domaine introuvable",
    Verdict.REFUSED: "Connexion refusée",
    Verdict.TLS: "Certificat non valable",
    Verdict.LOOP: "Boucle de redirections",
    Verdict.SOFT404: "Page d'erreur déguisée",
    Verdict.ROBOTS: "Interdite par robots.txt",
    Verdict.BLOCKED: "Accès bloqué",
    Verdict.RATE_LIMITED: "Trop de requêtes",
    Verdict.INVALID: "Adresse non valable",
}
STATUS_LABELS = {
    LinkStatus.OK: "Lien valide",
    LinkStatus.TO_CHECK: "Lien à vérifier",
    LinkStatus.BROKEN: "Lien cassé",
    LinkStatus.UNCHECKED: "Lien non vérifié",
}
# The colour of each status: a class of web/static/site.css (text, badges, chart bars, swatches).
STATUS_COLOURS = {
    LinkStatus.OK: "ok",
    LinkStatus.TO_CHECK: "warn",
    LinkStatus.BROKEN: "bad",
    LinkStatus.UNCHECKED: "unknown",
}
OUTCOME_LABELS = {
    FetchOutcome.OK: "récupérées",
    FetchOutcome.NOT_MODIFIED: "inchangées (304)",
    FetchOutcome.HTTP: "erreur HTTP",
    FetchOutcome.TIMEOUT: "délai dépassé",
    FetchOutcome.DNS: "nom de domaine introuvable",
    FetchOutcome.REFUSED: "connexion refusée",
    FetchOutcome.RESET: "connexion coupée",
    FetchOutcome.TLS: "erreur de certificat (TLS)",
    FetchOutcome.TOO_LARGE: "trop volumineuses",
    FetchOutcome.ROBOTS: "interdites par robots.txt",
    FetchOutcome.FORBIDDEN_ADDRESS: "adresse interdite (réseau privé)",
    FetchOutcome.INVALID: "adresse invalide",
    FetchOutcome.LOOP: "boucle de redirections",
    FetchOutcome.EXTRACTION: "fichier illisible",
    FetchOutcome.ERROR: "erreur",
}


def verdict_label(verdict: str) -> str:
    """A verdict in French words (the value itself when unknown)."""
    try:
        return VERDICT_LABELS[Verdict(verdict)]
    except ValueError:
        return verdict


def outcome_label(outcome: str) -> str:
    """A fetch outcome in French words (the value itself when unknown)."""
    try:
        return OUTCOME_LABELS[FetchOutcome(outcome)]
    except ValueError:
        return outcome


def status_of(status: str | None) -> LinkStatus:
    """The LinkStatus of a stored value (unknown or empty: not checked)."""
    try:
        return LinkStatus(status or "")
    except ValueError:
        return LinkStatus.UNCHECKED


def status_label(status: str | None) -> str:
    """A status in French words: « Lien valide », « Lien à vérifier », « Lien cassé », « Lien non vérifié »."""
    return STATUS_LABELS[status_of(status)]


def status_colour(status: str | None) -> str:
    """The colour class of a status: ok, warn, bad or unknown."""
    return STATUS_COLOURS[status_of(status)]


def night_status(verdict: str) -> LinkStatus:
    """The status a night's verdict shows at least: ok for ok and moved, à vérifier for the others (a
    failure is cassé only once confirmed over several nights, which the state records)."""
    return LinkStatus.OK if verdict in (Verdict.OK, Verdict.MOVED) else LinkStatus.TO_CHECK
