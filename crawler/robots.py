"""robots.txt per host (protego, RFC 9309), fetched once and cached, with its Crawl-delay.

Rules as RFC 9309 and the big crawlers read them: wildcards and `$`, the longest match
wins, Allow over Disallow at equal length; only the first 500 KiB of a larger file are
read (ROBOTS_PARSED_BYTES), and a line cut by that limit is dropped. A 4xx robots.txt
(none) allows everything; a robots.txt that cannot be fetched (5xx, network error) allows
everything too, because the fetch of the page itself will then say what is wrong.
"""

import logging
import threading
import time

from protego import Protego

log = logging.getLogger(__name__)

ROBOTS_PARSED_BYTES = 500 * 1024  # RFC 9309, 2.5: parse at least the first 500 KiB


class Rules:
    """The parsed robots.txt of one host (or allow-all).

    `truncated`: the text is the start of a longer file; its last, cut line is dropped
    (a cut "Allow: /public/page" would read "Allow: /" and open everything).
    """

    def __init__(self, text: str | None, user_agent: str, truncated: bool = False):
        self.user_agent = user_agent
        self.parser: Protego | None = None
        if text and truncated:
            text = text.rsplit("\n", 1)[0] if "\n" in text else ""
        if text:
            self.parser = Protego.parse(text)

    def allowed(self, url: str) -> bool:
        """True if this user agent may fetch the URL (its group found by product token, else *)."""
        if self.parser is None:
            return True
        return self.parser.can_fetch(url, self.user_agent)

    def crawl_delay(self) -> float | None:
        """The Crawl-delay for this user agent, or None."""
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(self.user_agent)
        return float(delay) if delay is not None else None


class RobotsCache:
    """robots.txt rules by origin; `fetch_text(url) -> (status | None, text, truncated)` gets one file.

    Thread-safe: concurrent callers for one origin wait for a single fetch.
    """

    def __init__(self, fetch_text, user_agent: str, ttl: float = 24 * 3600):
        self.fetch_text = fetch_text
        self.user_agent = user_agent
        self.ttl = ttl
        self._cache: dict[str, tuple[float, Rules]] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def rules(self, origin: str) -> Rules:
        """The rules of an origin ("https://host:port"), fetched on first use."""
        with self._lock:
            lock = self._locks.setdefault(origin, threading.Lock())
        with lock:
            cached = self._cache.get(origin)
            if cached and time.monotonic() - cached[0] < self.ttl:
                return cached[1]
            status, text, truncated = self.fetch_text(origin + "/robots.txt")
            if status is not None and 200 <= status < 300:
                rules = Rules(text, self.user_agent, truncated)
            else:
                log.debug("robots.txt of %s: status %s, everything allowed", origin, status)
                rules = Rules(None, self.user_agent)
            self._cache[origin] = (time.monotonic(), rules)
            return rules
