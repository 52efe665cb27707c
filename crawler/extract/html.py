"""HTML pages: title, description, OpenGraph, JSON-LD, language, date and the main text (trafilatura).

Pages whose OpenGraph or JSON-LD describe a video come out with kind "video" and a duration.
"""

import json
import logging
import re

import lxml.html
import trafilatura
from lxml import etree

from crawler.extract.encoding import decode
from crawler.extract.result import Extraction, MalformedDocument

log = logging.getLogger(__name__)

_ISO_DURATION = re.compile(
    r"^P(?:(?P<d>\d+(?:\.\d+)?)D)?(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<m>\d+(?:\.\d+)?)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?$",
    re.I,
)
_SPACES = re.compile(r"\s+")


def parse_duration(value) -> float | None:
    """Seconds from an ISO 8601 duration ("PT1M30S"), "hh:mm:ss", or a number of seconds; None if unreadable."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    match = _ISO_DURATION.match(text)
    if match and any(match.groupdict().values()):
        parts = {k: float(v) if v else 0.0 for k, v in match.groupdict().items()}
        return parts["d"] * 86400 + parts["h"] * 3600 + parts["m"] * 60 + parts["s"]
    if re.fullmatch(r"\d+(:\d{1,2}){0,2}(\.\d+)?", text):
        seconds = 0.0
        for piece in text.split(":"):
            seconds = seconds * 60 + float(piece)
        return seconds
    return None


def _clean(text) -> str:
    return _SPACES.sub(" ", str(text or "")).strip()


def _meta(tree) -> tuple[dict, dict]:
    """(OpenGraph and similar properties, named meta tags), first value wins."""
    og, named = {}, {}
    for el in tree.iter("meta"):
        content = el.get("content")
        if content is None:
            continue
        prop = (el.get("property") or "").strip().lower()
        name = (el.get("name") or "").strip().lower()
        if prop.startswith(("og:", "video:", "article:")):
            og.setdefault(prop, _clean(content))
        if name:
            named.setdefault(name, _clean(content))
            if name.startswith(("og:", "video:", "twitter:")):
                og.setdefault(name, _clean(content))
    return og, named


def _json_ld(tree) -> list[dict]:
    """Every JSON-LD object of the page (graphs flattened); unreadable blocks are skipped."""
    found = []
    for el in tree.iter("script"):
        if (el.get("type") or "").strip().lower() != "application/ld+json" or not el.text:
            continue
        try:
            data = json.loads(el.text)
        except ValueError:
            log.debug("unreadable JSON-LD block skipped")
            continue
        stack = data if isinstance(data, list) else [data]
        for item in stack:
            if isinstance(item, dict):
                graph = item.get("@graph")
                if isinstance(graph, list):
                    found.extend(x for x in graph if isinstance(x, dict))
                else:
                    found.append(item)
    return found


def _types(item: dict) -> set[str]:
    t = item.get("@type")
    return {str(x) for x in t} if isinstance(t, list) else {str(t)} if t else set()


def _fallback_text(tree) -> str:
    body = tree.find("body")
    if body is None:
        return ""
    for bad in body.xpath("//script|//style|//nav|//header|//footer|//aside|//noscript"):
        bad.drop_tree()
    return _clean(body.text_content())


def extract_html(body: bytes, content_type: str = "", url: str = "") -> Extraction:
    """Extract an HTML page; raises MalformedDocument when there is no document to read."""
    text, encoding = decode(body, content_type)
    if not text.strip():
        raise MalformedDocument("html", "document vide")
    try:
        tree = lxml.html.document_fromstring(
            text.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8")
        )
    except (etree.ParserError, ValueError) as exc:
        raise MalformedDocument("html", f"HTML illisible : {exc}") from exc
    og, named = _meta(tree)
    ld = _json_ld(tree)
    title_el = tree.find(".//title")
    title = og.get("og:title") or _clean(title_el.text_content() if title_el is not None else "")
    language = (tree.get("lang") or named.get("language") or og.get("og:locale") or "").strip()
    # trafilatura prunes the tree it is given: read everything else before.
    doc = trafilatura.bare_extraction(
        tree, url=url or None, with_metadata=True, include_comments=False, include_tables=True
    )
    title = title or _clean(getattr(doc, "title", ""))
    description = (
        og.get("og:description") or named.get("description") or _clean(getattr(doc, "description", ""))
    )
    main = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if not main:
        main = _fallback_text(lxml.html.document_fromstring(text.encode("utf-8")))
    language = language.replace("_", "-").split("-")[0].lower() if language else ""
    date = _clean(getattr(doc, "date", "")) if doc is not None else ""
    for item in ld:
        date = date or _clean(item.get("datePublished") or item.get("uploadDate") or "")
    date = (
        date[:10]
        if re.match(r"^\d{4}-\d{2}-\d{2}", date)
        else date[:7]
        if re.match(r"^\d{4}-\d{2}$", date)
        else date
    )
    author = _clean(named.get("author") or (getattr(doc, "author", "") if doc is not None else ""))
    result = Extraction(
        kind="html",
        title=title,
        description=description,
        text=main,
        language=language,
        date=date,
        author=author,
        metadata={"encoding": encoding, "opengraph": og, "json_ld": ld},
    )
    video = next((item for item in ld if "VideoObject" in _types(item)), None)
    if og.get("og:type", "").startswith("video") or "og:video" in og or "og:video:url" in og or video:
        result.kind = "video"
        result.duration = parse_duration(og.get("video:duration") or og.get("og:video:duration"))
        if result.duration is None and video:
            result.duration = parse_duration(video.get("duration"))
        if video:
            result.title = result.title or _clean(video.get("name"))
            result.description = result.description or _clean(video.get("description"))
        result.metadata["video_url"] = (
            og.get("og:video:url") or og.get("og:video") or (video or {}).get("contentUrl", "")
        )
    return result
