"""robots.txt per host (urllib.robotparser), fetched once and cached, with its Crawl-delay.

Rules as RFC 9309 and the big crawlers read them: a 4xx robots.txt (none) allows
everything; a robots.txt that cannot be fetched (5xx, network error) allows everything
too, because the fetch of the page itself will then say what is wrong with the server.
"""

import logging
import threading
import time
from urllib.robotparser import RobotFileParser

log = logging.getLogger(__name__)


class Rules:
    """The parsed robots.txt of one host (or allow-all)."""

    def __init__(self, text: str | None, user_agent: str):
        self.user_agent = user_agent
        self.parser: RobotFileParser | None = None
        if text:
            self.parser = RobotFileParser()
            self.parser.parse(text.splitlines())

    def allowed(self, url: str) -> bool:
        """True if this user agent may fetch the URL."""
        if self.parser is None:
            return True
        return self.parser.can_fetch(self.user_agent, url) and self.parser.can_fetch(
            self.user_agent.split("/", 1)[0], url
        )

    def crawl_delay(self) -> float | None:
        """The Crawl-delay for this user agent, or None."""
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(self.user_agent)
        if delay is None:
            delay = self.parser.crawl_delay(self.user_agent.split("/", 1)[0])
        return float(delay) if delay is not None else None


class RobotsCache:
    """robots.txt rules by origin; `fetch_text(url) -> (status | None, text)` gets one file.

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
            status, text = self.fetch_text(origin + "/robots.txt")
            if status is not None and 200 <= status < 300:
                rules = Rules(text, self.user_agent)
            else:
                log.debug("robots.txt of %s: status %s, everything allowed", origin, status)
                rules = Rules(None, self.user_agent)
            self._cache[origin] = (time.monotonic(), rules)
            return rules
