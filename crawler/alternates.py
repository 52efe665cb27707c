"""The link checker's fallback: when a resource's address fails, its alternate addresses are tried.

An alternate that answers with content turns the verdict into `moved`, with the alternate
as the proposed new address: the resource page and the link-health page show it, and
staff accept it as for any moved link (the old address stays an alias).
"""

import logging

from catalogue import proposals
from catalogue.linkchecks import Check
from catalogue.links import FAILING, Verdict

log = logging.getLogger(__name__)
PREFIX_BYTES = 32 * 1024


def fall_back_to_alternates(fetcher, store, finals: dict[str, Check]) -> list[str]:
    """Try the alternate addresses of every failing resource (a rescued one's final check becomes
    `moved` in `finals`); returns the ids that found one."""
    rescued = []
    for rid, final in list(finals.items()):
        if final.verdict not in FAILING:
            continue
        for alternate in proposals.alternates(store, rid):
            result = fetcher.fetch(alternate["url"], prefix_bytes=PREFIX_BYTES, retries=0)
            if result.outcome != "ok":
                continue
            log.info("%s fails (%s); alternate %s answers", final.url, final.verdict, alternate["url"])
            finals[rid] = final.but(
                verdict=Verdict.MOVED,
                moved_to=alternate["url"],
                error=f"l'adresse principale ne répond plus ({final.error or final.verdict}) ; "
                f"le même document est disponible à l'adresse alternative {alternate['url']}",
            )
            rescued.append(rid)
            break
    return rescued
