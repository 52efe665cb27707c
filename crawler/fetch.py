"""The one fetcher of the crawler and the link checker: polite, bounded in time and size, SSRF-guarded.

Every call returns a FetchResult that says what happened (never None, never raises for a
network fault). Shared by many threads: per-host and global concurrency, per-host delay
and robots.txt (protego, RFC 9309, with Crawl-delay) are enforced here, so callers just
call `fetch()` from their worker pool.

    outcome    meaning
    ok         2xx answer (body read, unless HEAD)
    not_modified  304 to a conditional request
    http       an error status (4xx, 5xx, 3xx without Location) after retries
    timeout    connect/read timeout, or the total deadline passed (slow drip)
    dns        the host name does not resolve
    refused    connection refused
    reset      connection reset or closed mid-answer
    tls        certificate expired, wrong host, untrusted, handshake failure
    too_large  the body (on the wire or decompressed) is over the limit
    robots     robots.txt disallows this URL: nothing was fetched
    forbidden_address  the host resolves to a loopback/private/link-local/... address
    invalid    not an http(s) URL, or malformed
    loop       too many redirects, or a redirect back to an address already seen
    error      anything else (the error says what)
"""

import logging
import random
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.cookies import extract_cookies_to_jar
from requests.structures import CaseInsensitiveDict

from crawler.bodies import BodyTooLarge, read_body
from crawler.deadline import POOL_CLASSES, Attempt, Watchdog
from crawler.failures import classify_exception
from crawler.netguard import GuardRefusal, ResolverCache, check_address, check_url
from crawler.politeness import Politeness
from crawler.robots import ROBOTS_PARSED_BYTES, RobotsCache

log = logging.getLogger(__name__)

REDIRECT_STATUSES = (301, 302, 303, 307, 308)
RETRY_STATUSES = (429, 502, 503, 504)
RETRY_OUTCOMES = ("timeout", "reset")
ROBOTS_MAX_BYTES = 512 * 1024


@dataclass
class FetchResult:
    """What one fetch did: the outcome, the final answer (status, headers, body) and the redirect chain."""

    url: str
    final_url: str = ""
    outcome: str = "error"
    status: int | None = None
    headers: dict[str, str] = field(default_factory=CaseInsensitiveDict)
    content_type: str = ""
    body: bytes | None = None
    redirects: list[tuple[int, str]] = field(default_factory=list)
    elapsed: float = 0.0
    error: str = ""
    attempts: int = 0
    truncated: bool = False  # the body is a prefix (prefix_bytes asked, or an error page cut short)
    method: str = "GET"

    @property
    def ok(self) -> bool:
        """True for a 2xx answer or a 304 Not Modified."""
        return self.outcome in ("ok", "not_modified")

    @property
    def permanent_redirects_only(self) -> bool:
        """True if there was at least one redirect and every one was permanent (301, 308)."""
        return bool(self.redirects) and all(status in (301, 308) for status, _ in self.redirects)


class _GuardedAdapter(HTTPAdapter):
    """An adapter whose connections report their socket to the current fetch (deadline, peer check)."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = POOL_CLASSES


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds asked by a Retry-After header (delta-seconds or HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def content_type_of(headers) -> str:
    """The media type of an answer, lowercased, without parameters."""
    return (headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()


class Fetcher:
    """Fetches URLs for many threads at once, within the settings' limits. Close it when done."""

    def __init__(self, settings, *, session: requests.Session | None = None, respect_robots: bool = True):
        self.settings = settings
        self.respect_robots = respect_robots
        self.user_agent = settings.effective_user_agent
        self.session = session or requests.Session()
        if session is None:
            self.session.trust_env = False  # no proxy from the environment: the guard checks the real peer
        adapter = _GuardedAdapter(
            pool_connections=256, pool_maxsize=max(4, settings.per_host_concurrency * 2), max_retries=0
        )
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.politeness = Politeness(
            settings.global_concurrency, settings.per_host_concurrency, settings.per_host_delay
        )
        self.robots = RobotsCache(self._fetch_robots, self.user_agent)
        self.watchdog = Watchdog()
        self.resolver = ResolverCache()  # a night asks the same few hundred hosts thousands of times

    def close(self) -> None:
        """Close the connections and stop the deadline watchdog."""
        self.watchdog.close()
        self.session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- public --------------------------------------------------------------

    def fetch(
        self,
        url: str,
        *,
        method: str = "GET",
        etag: str | None = None,
        last_modified: str | None = None,
        max_bytes: int | None = None,
        prefix_bytes: int | None = None,
        retries: int | None = None,
        respect_robots: bool | None = None,
    ) -> FetchResult:
        """Fetch a URL (GET or HEAD), following redirects; `prefix_bytes` reads only that much of the body."""
        started = time.monotonic()
        result = FetchResult(url=url, final_url=url, method=method.upper())
        try:
            self._fetch(result, etag, last_modified, max_bytes, prefix_bytes, retries, respect_robots)
        except GuardRefusal as exc:
            result.outcome, result.error = exc.outcome, str(exc)
        result.elapsed = time.monotonic() - started
        log.debug("%s %s -> %s %s (%s)", method, url, result.outcome, result.status, result.error)
        return result

    # -- internals -----------------------------------------------------------

    def _fetch(self, result, etag, last_modified, max_bytes, prefix_bytes, retries, respect_robots):
        settings = self.settings
        respect_robots = self.respect_robots if respect_robots is None else respect_robots
        budget = [float(settings.deadline)]  # network seconds left for the whole fetch
        current = result.url
        seen = {current}
        for hop in range(settings.max_redirects + 1):
            target = check_url(
                current, settings.allow_private_networks, settings.connect_timeout, self.resolver
            )
            origin = f"{target.scheme}://{urlsplit(current).netloc}"
            if respect_robots:
                rules = self.robots.rules(origin)
                delay = rules.crawl_delay()
                if delay:
                    self.politeness.set_crawl_delay(target.host_key, min(delay, settings.max_crawl_delay))
                if not rules.allowed(current):
                    result.outcome = "robots"
                    result.error = "le fichier robots.txt du site interdit cette adresse aux robots"
                    return
            conditional = hop == 0
            self._with_retries(
                result,
                current,
                target.host_key,
                etag if conditional else None,
                last_modified if conditional else None,
                max_bytes,
                prefix_bytes,
                settings.retries if retries is None else retries,
                budget,
            )
            location = result.headers.get("Location") if result.status in REDIRECT_STATUSES else None
            if result.outcome != "redirect" or not location:
                if result.outcome == "redirect":
                    result.outcome = "http"
                    result.error = f"redirection {result.status} sans adresse de destination"
                return
            following = urljoin(current, location.strip())
            result.redirects.append((result.status, following))
            result.final_url = following
            if following in seen:
                result.outcome = "loop"
                result.error = f"boucle de redirections : {following} revient à une adresse déjà vue"
                return
            seen.add(following)
            if result.status == 303 and result.method != "HEAD":
                result.method = "GET"
            current = following
        result.outcome = "loop"
        result.error = f"trop de redirections (plus de {settings.max_redirects})"

    def _with_retries(
        self, result, url, host_key, etag, last_modified, max_bytes, prefix_bytes, retries, budget
    ):
        settings = self.settings
        for attempt in range(retries + 1):
            result.attempts += 1
            sent_at = self._once(result, url, host_key, etag, last_modified, max_bytes, prefix_bytes, budget)
            retryable = result.outcome in RETRY_OUTCOMES or (
                result.outcome == "http" and result.status in RETRY_STATUSES
            )
            allowed = min(retries, settings.timeout_retries) if result.outcome == "timeout" else retries
            if not retryable or attempt >= allowed or budget[0] <= 0:
                return
            if result.error.startswith("délai total"):
                return  # a drip-feeding server would only drip again
            # Exponential backoff with jitter between the starts of two tries, as the server sees
            # them: a try that timed out has already spent part of it, or all of it.
            backoff = settings.retry_backoff * (2**attempt) * random.uniform(0.5, 1.5)
            wait = max(0.0, backoff - (time.monotonic() - sent_at))
            asked = retry_after_seconds(result.headers.get("Retry-After")) if result.status else None
            if asked is not None:
                if asked > settings.retry_after_cap:
                    return  # the server asks for longer than we wait: report its answer
                wait = max(wait, asked)
                self.politeness.cool_off(host_key, wait)
            elif result.status == 429:
                self.politeness.cool_off(host_key, wait)
            log.debug("retrying %s in %.2f s after %s %s", url, wait, result.outcome, result.status)
            time.sleep(wait)

    def _once(self, result, url, host_key, etag, last_modified, max_bytes, prefix_bytes, budget) -> float:
        """One request, inside a politeness slot; fills result (status, headers, body, outcome).

        Returns the monotonic time the request was sent (after the wait for the slot)."""
        settings = self.settings
        headers = {"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate", "Accept": "*/*"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        limit = settings.max_body_bytes if max_bytes is None else max_bytes
        result.status, result.headers, result.body, result.content_type = (
            None,
            CaseInsensitiveDict(),
            None,
            "",
        )
        result.truncated, result.error = False, ""
        with self.politeness.slot(host_key):
            start = time.monotonic()
            deadline_at = start + budget[0]
            allow_private = settings.allow_private_networks
            attempt = Attempt(
                self.watchdog, deadline_at, lambda peer: check_address(peer, host_key, allow_private)
            )
            try:
                with attempt:
                    self._request(result, url, headers, limit, prefix_bytes, budget[0], attempt)
            except GuardRefusal:
                raise
            except BodyTooLarge as exc:
                result.outcome, result.error, result.body = "too_large", str(exc), None
            except Exception as exc:  # every network fault becomes an outcome; see crawler.failures
                attempt.abort()
                fired = attempt.fired or time.monotonic() >= deadline_at
                result.outcome, result.error = classify_exception(exc, settings, fired)
                result.body = None
            finally:
                budget[0] -= time.monotonic() - start
        return start

    def _request(self, result, url, headers, limit, prefix_bytes, remaining, attempt):
        settings = self.settings
        timeout = (min(settings.connect_timeout, remaining), min(settings.read_timeout, remaining))
        if remaining <= 0:
            raise TimeoutError("deadline")
        response = self._send(result.method, url, headers, timeout)
        try:
            result.status = response.status_code
            result.headers = response.headers
            result.content_type = content_type_of(response.headers)
            if response.status_code in REDIRECT_STATUSES:
                result.outcome = "redirect"
            elif response.status_code == 304:
                result.outcome = "not_modified"
            elif 200 <= response.status_code < 300:
                result.outcome = "ok"
                if result.method != "HEAD":
                    result.body, result.truncated = read_body(response, limit, prefix_bytes)
            else:
                result.outcome = "http"
                result.error = f"le serveur répond {response.status_code} {response.reason or ''}".strip()
                if result.method != "HEAD":
                    # Error pages are kept short: enough to recognise a bot wall.
                    result.body, result.truncated = read_body(
                        response, limit, min(prefix_bytes or 65536, 65536)
                    )
        finally:
            attempt.release()  # disarmed first: a pooled connection must never be shut by an old deadline
            response.close()

    def _send(self, method: str, url: str, headers: dict, timeout) -> requests.Response:
        """One request through the session's adapter, no redirect followed: what `Session.request` does
        with `allow_redirects=False` and no proxy from the environment (the session's headers under
        ours, its cookies sent and kept), without the work this fetcher never uses (merging settings
        into new copies, preparing the next request of a redirect: `_fetch` follows redirects itself).
        Measured: about a fifth of the CPU of a check's request."""
        session = self.session
        prepared = requests.PreparedRequest()
        prepared.prepare(
            method=method,
            url=url,
            headers={**session.headers, **headers},
            cookies=session.cookies,
            hooks=session.hooks,
        )
        adapter = session.get_adapter(url=prepared.url)
        response = adapter.send(
            prepared, stream=True, timeout=timeout, verify=session.verify, cert=session.cert, proxies={}
        )
        extract_cookies_to_jar(session.cookies, prepared, response.raw)
        return response

    def _fetch_robots(self, robots_url: str) -> tuple[int | None, str, bool]:
        found = self.fetch(
            robots_url,
            max_bytes=ROBOTS_MAX_BYTES,
            prefix_bytes=ROBOTS_PARSED_BYTES,  # a larger file is read up to there, not refused
            retries=0,
            respect_robots=False,
        )
        if found.outcome == "ok" and found.body is not None:
            return found.status, found.body.decode("utf-8", errors="replace"), found.truncated
        return (found.status if found.outcome == "http" else None), "", False
