"""Link verdicts in plain French sentences, for the reports, the site and the staff pages (the labels of
verdicts and statuses are in catalogue/links.py)."""

from catalogue.frenchdates import french_date
from catalogue.links import LinkStatus, outcome_label, verdict_label


def check_summary_words(counts: dict[str, int]) -> str:
    """A check run's verdict counts in French: « 4 liens vérifiés : Fonctionne 3, Nom de domaine introuvable 1 »."""
    counts = {v: n for v, n in counts.items() if isinstance(n, int)}
    total = sum(counts.values())
    head = f"{total} {'lien vérifié' if total <= 1 else 'liens vérifiés'}"
    parts = [f"{verdict_label(v)} {n}" for v, n in sorted(counts.items(), key=lambda kv: -kv[1])]
    return head + (" : " + ", ".join(parts) if parts else "")


def crawl_summary_words(total: int, outcomes: dict[str, int], resumed: bool = False) -> str:
    """A crawl's outcome counts in French: « 2 ressources explorées : récupérées 1, délai dépassé 1 »."""
    head = f"{total} {'ressource explorée' if total <= 1 else 'ressources explorées'}"
    head += " (reprise)" if resumed else ""
    parts = [f"{outcome_label(o)} {n}" for o, n in outcomes.items()]
    return head + (" : " + ", ".join(parts) if parts else "")


def french_size(n: int) -> str:
    """A size in bytes in French words: "512 octets", "38 Ko", "2,1 Mo"."""
    if n < 1024:
        return f"{n} octets"
    if n < 1024 * 1024:
        return f"{round(n / 1024)} Ko"
    return f"{n / (1024 * 1024):.1f} Mo".replace(".", ",")


def _since(first_failure_at: str | None) -> str:
    when = french_date(first_failure_at)
    return f" depuis le {when}" if when else ""


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """« 1 nuit », « 2 nuits », « 0 lien » (French: the singular up to 1)."""
    return f"{count} {noun if abs(count) <= 1 else (nouns or noun + 's')}"


def describe(
    verdict: str,
    http_status: int | None = None,
    error: str = "",
    first_failure_at: str | None = None,
    nights: int = 0,
    moved_to: str | None = None,
    status: str | None = None,
) -> str:
    """One plain-French sentence that says what is wrong with a link, and since when."""
    since = _since(first_failure_at)
    detail = f" ({error})" if error else ""
    if verdict == "ok":
        # A working link with a reason is a document that changed (see crawler.checklink._suspect).
        return f"Le lien répond, mais le document a changé : {error}." if error else "Le lien fonctionne."
    if verdict == "moved":
        return (
            f"La page a changé d'adresse : la nouvelle adresse est {moved_to}."
            if moved_to
            else "La page a changé d'adresse."
        )
    if verdict == "broken":
        code = f"Le serveur répond {http_status}" if http_status else "Le serveur répond une erreur"
        gone = " : la page a été supprimée" if http_status == 410 else " : la page n'existe plus"
        text = f"{code}{gone}{since}."
    elif verdict == "error":
        code = f" ({http_status})" if http_status else ""
        text = f"Le serveur est en erreur{code}, même après plusieurs essais{since}."
    elif verdict == "timeout":
        text = f"Le serveur ne répond pas à temps{since}{detail}."
    elif verdict == "dns":
        text = f"Le nom du site n'existe pas ou plus (DNS){since}."
    elif verdict == "refused":
        text = f"Le serveur refuse la connexion{since}."
    elif verdict == "tls":
        text = f"La connexion sécurisée échoue : {error or 'certificat non valable'}{since}."
    elif verdict == "loop":
        text = f"L'adresse redirige sans fin (boucle de redirections){since}."
    elif verdict == "soft404":
        text = f"La page s'affiche mais c'est une page d'erreur{detail}{since}."
    elif verdict == "robots":
        return "Le site interdit aux robots de vérifier cette adresse (robots.txt) : à vérifier à la main."
    elif verdict == "blocked":
        code = f" ({http_status})" if http_status else ""
        return f"Le site bloque les robots{code} : à vérifier à la main dans un navigateur."
    elif verdict == "rate_limited":
        return "Le site limite le nombre de requêtes (429) : il sera revérifié la nuit prochaine."
    elif verdict == "invalid":
        text = f"L'adresse n'est pas valable{detail}."
    else:
        text = f"Vérification impossible{detail}."
    if status == LinkStatus.BROKEN and nights:
        text = text[:-1] + f" — en échec {plural(nights, 'nuit')} de suite."
    return text
