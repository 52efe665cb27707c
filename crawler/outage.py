"""The outage guard shared by the check, the crawl and the watch: when most hosts of a run failed at the
network level only (name unknown, connection refused, timeout), the machine is offline, not the sites.

A run is a list of (address, outcome) pairs; the outcomes are fetch outcomes or link verdicts,
whose network values are the same words (`dns`, `refused`, `timeout`).
"""

from collections import defaultdict
from urllib.parse import urlsplit

from catalogue.links import NETWORK

OUTAGE_MIN_HOSTS = 3  # fewer hosts than this say nothing about the network: each failure is reported


def host_of(url: str) -> str:
    """The host:port part of a URL (per-host grouping), lowercased."""
    try:
        return urlsplit(url).netloc.lower()
    except ValueError:
        return ""


def is_outage(attempts: list[tuple[str, str]]) -> bool:
    """True when most hosts failed at the network level only, on at least OUTAGE_MIN_HOSTS hosts."""
    by_host: dict[str, list[str]] = defaultdict(list)
    for url, outcome in attempts:
        by_host[host_of(url)].append(outcome)
    dead = [h for h, outcomes in by_host.items() if all(o in NETWORK for o in outcomes)]
    network = sum(1 for _, outcome in attempts if outcome in NETWORK)
    return len(dead) >= OUTAGE_MIN_HOSTS and len(dead) > len(by_host) / 2 and network > len(attempts) / 2


def outage_reason(attempts: list[tuple[str, str]], singular: str, plural: str) -> str:
    """Why a run was called an outage, in French: how many of its things (`liens`, `ressources`,
    `sources`) and of its sites could not be reached."""
    hosts = {host_of(url) for url, _ in attempts}
    dead_hosts = {host_of(url) for url, outcome in attempts if outcome in NETWORK}
    unreachable = sum(1 for _, outcome in attempts if outcome in NETWORK)
    things = singular if len(attempts) < 2 else plural
    return (
        f"réseau indisponible : {unreachable} {things} sur {len(attempts)} injoignables "
        f"(nom introuvable, connexion refusée ou délai dépassé) sur {len(dead_hosts)} sites sur {len(hosts)}"
    )
