"""RSS and Atom feeds: the channel (title, description, language, date) and its episodes, with feedparser."""

import time

import feedparser
import lxml.html

from catalogue.models import http_link
from crawler.extract.html import parse_duration
from crawler.extract.result import Episode, Extraction, MalformedDocument


def _date(parsed) -> str:
    return time.strftime("%Y-%m-%d", parsed) if parsed else ""


def _plain(html_text: str) -> str:
    if not html_text or "<" not in html_text:
        return (html_text or "").strip()
    try:
        return " ".join(lxml.html.fromstring(html_text).text_content().split())
    except (ValueError, TypeError):
        return html_text.strip()


def extract_feed(body: bytes, content_type: str = "") -> Extraction:
    """Extract a podcast or news feed; raises MalformedDocument if it is not a readable feed."""
    parsed = feedparser.parse(body, response_headers={"content-type": content_type} if content_type else None)
    channel = parsed.get("feed", {})
    entries = parsed.get("entries", [])
    if not parsed.get("version") or (not channel.get("title") and not entries):
        problem = parsed.get("bozo_exception")
        raise MalformedDocument("feed", f"flux RSS ou Atom illisible{f': {problem}' if problem else ''}")
    episodes = []
    for entry in entries:
        enclosure = next((link for link in entry.get("links", []) if link.get("rel") == "enclosure"), {})
        episodes.append(
            Episode(
                title=(entry.get("title") or "").strip(),
                date=_date(entry.get("published_parsed") or entry.get("updated_parsed")),
                description=_plain(entry.get("summary") or entry.get("itunes_summary") or ""),
                duration=parse_duration(entry.get("itunes_duration")),
                enclosure_url=http_link(enclosure.get("href", "")),  # never javascript: or data:
                enclosure_type=enclosure.get("type", ""),
            )
        )
    description = _plain(
        channel.get("subtitle") or channel.get("summary") or channel.get("description") or ""
    )
    return Extraction(
        kind="feed",
        title=(channel.get("title") or "").strip(),
        description=description,
        text=description,
        language=(channel.get("language") or "").split("-")[0].lower(),
        date=_date(channel.get("published_parsed") or channel.get("updated_parsed")),
        author=(channel.get("author") or channel.get("itunes_author") or "").strip(),
        metadata={
            "version": parsed.get("version"),
            "link": channel.get("link", ""),
            "episodes": len(episodes),
        },
        episodes=episodes,
    )
