"""Import the resources linked from a page like the seed's: content area only, levels from section headings.

`parse_page(html, page_url)` is pure (no network): it returns the candidate resources (one
per canonical URL, with title, description and level) and the skipped links with the
reason. `import_page(store, fetcher, url)` fetches the page and adds the new candidates.
"""

import logging
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup, NavigableString, Tag

from catalogue.errors import CatalogueError, ValidationError
from catalogue.links import outcome_label
from catalogue.models import Resource, check_url, joined_address, url_problem
from catalogue.text import comparable
from catalogue.urls import canonical_url
from crawler.extract.encoding import decode

log = logging.getLogger(__name__)

# Link texts that say nothing about their target: the title comes from the context instead.
EMPTY_LINK_TEXTS = {
    "ici",
    "cliquez ici",
    "cliquer ici",
    "clic ici",
    "telechargement",
    "telecharger",
    "lien",
    "ce lien",
    "en savoir plus",
    "lire la suite",
    "voir",
    "voir ici",
    "plus",
    "plus d'infos",
    "la",
    "here",
    "click here",
    "download",
    "pdf",
    "lien ici",
    "consulter",
    "acceder",
    "site",
    "site internet",
    "le site",
}
SHARING_HOSTS = (
    "facebook.com/sharer",
    "facebook.com/share",
    "twitter.com/intent",
    "twitter.com/share",
    "x.com/intent",
    "linkedin.com/sharearticle",
    "linkedin.com/sharing",
    "linkedin.com/shareArticle",
    "pinterest.com/pin/create",
    "wa.me/",
    "api.whatsapp.com/send",
    "reddit.com/submit",
    "t.me/share",
    "telegram.me/share",
)
LOGIN_PATH = re.compile(
    r"(^|[/_.-])(login|logon|signin|sign-in|sign_in|signup|sign-up|register|registration|connexion|"
    r"se-connecter|inscription|s-inscrire|mon-compte|user/password)([/_.?-]|$)",
    re.I,
)
REGISTRATION_CONTEXT = re.compile(
    r"\b(vous inscrire|s'inscrire|inscrivez-vous|inscription|se connecter|connectez-vous|identifiez-vous)\b"
)
# A heading states a level with "au niveau national", "échelon local", or a word of its own:
# « Cadrage national », « Exemples nationaux », « Ressources régionales », « Dans les territoires »,
# « départemental ». Compared on folded text (no accents, lower case).
LEVEL_HEADING = re.compile(r"\b(?:niveau|echelle|echelon)\s+(national|regional|local)")
LEVEL_WORDS = (
    ("national", re.compile(r"\bnation(?:al|ale|ales|aux)\b")),
    ("regional", re.compile(r"\bregion(?:al|ale|ales|aux)\b")),
    (
        "local",
        re.compile(
            r"\b(?:loca(?:l|le|les|ux)|departementa(?:l|le|les|ux)|(?:inter)?communa(?:l|le|les|ux)|"
            r"municipa(?:l|le|les|ux)|territoria(?:l|le|les|ux))\b|\bdans les territoires\b"
        ),
    ),
)
# Words that make a resource local by its own label, whatever its section: a département's or a
# town's own work (« Observatoire départemental de l'Essonne »).
OWN_LOCAL = re.compile(
    r"\b(?:departementa(?:l|le|les|ux)|(?:inter)?communa(?:l|le|les|ux)|municipa(?:l|le|les|ux))\b"
)
# A paragraph that introduces a sub-section on CMS pages: « » Cadrage national : ».
SUBHEADING = re.compile(r"^\s*[»›>]\s*\S.{0,80}$")
BARE_URL = re.compile(r"https?://[^\s<>\"'«»]+[^\s<>\"'«».,;:!?)\]]")
NOISE = re.compile(
    r"(afficher\s*/\s*masquer la transcription|poids\s*:\s*[\d.,]+\s*[kmg]?o|favoris\s*\+?|"
    r"retrouvez le replay en cliquant|en cliquant|cliquez ici)",
    re.I,
)
CONTENT_SELECTORS = ("main", "[role=main]", "#main-content", "#content", ".main-content", "article", "body")
BOILERPLATE = "header, footer, nav, aside, form, script, style, noscript, [role=navigation], [role=banner], [role=contentinfo]"
BLOCKS = ("li", "p", "td", "dd", "blockquote", "figure", "div", "section", "article")
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


class PageImportError(CatalogueError):
    """The page to import could not be fetched or read."""

    def __init__(self, url: str, message: str):
        self.url = url
        super().__init__(f"{url} : {message}")


@dataclass
class Candidate:
    """A resource found on the page."""

    url: str
    title: str
    description: str = ""
    level: str | None = None
    title_from: str = "link"  # link, context, url
    heading: str = ""  # the heading the level was read from ("" when it is the default)

    @property
    def canonical(self) -> str:
        return canonical_url(self.url)


@dataclass
class Skipped:
    """A link of the page that is not a resource, and why."""

    href: str
    text: str
    reason: str


@dataclass
class PageImport:
    """What a page holds: its candidates (in page order) and its skipped links."""

    page_url: str
    candidates: list[Candidate] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def _clean(text: str) -> str:
    return " ".join((text or "").split())


def _content_area(soup: BeautifulSoup) -> Tag:
    for selector in CONTENT_SELECTORS:
        found = soup.select_one(selector)
        if found is not None:
            area = found
            break
    else:
        area = soup
    for junk in area.select(BOILERPLATE):
        junk.decompose()
    return area


def heading_level(text: str) -> str | None:
    """The level a heading states (national, regional, local), or None when it states none or several.

    « Au niveau régional », « Cadrage national », « Exemples nationaux », « Ressources régionales »,
    « Dans les territoires », « Observatoires départementaux » each state one.
    """
    folded = comparable(text)
    explicit = LEVEL_HEADING.search(folded)
    if explicit:
        return explicit.group(1)
    found = {level for level, pattern in LEVEL_WORDS if pattern.search(folded)}
    return found.pop() if len(found) == 1 else None


def own_level(label: str) -> str | None:
    """ "local" when a resource's own label names a département's or a town's work, else None."""
    return "local" if OWN_LOCAL.search(comparable(label)) else None


def heading_rank(element: Tag) -> int | None:
    """How deep a heading is (h1 = 1 … h6 = 6, a bold paragraph 7, a « » … » paragraph 8), or None."""
    if element.name in HEADINGS:
        return int(element.name[1])
    if element.name == "p" and element.find("a") is None:
        text = _clean(element.get_text(" "))
        # A paragraph that is nothing but bold text acts as a heading on many CMS pages.
        strong = element.find(["strong", "b"])
        if strong is not None and _clean(strong.get_text(" ")) == text:
            return 7
        if SUBHEADING.match(text):
            return 8
    return None


class LevelTracker:
    """The level of the nearest heading above a point of a page, sub-headings included.

    Feed it the headings in page order (`heading`); `level` and `heading_text` then say what
    applies to the next link. A heading closes every heading of its rank or deeper, so
    « » Outils méthodologiques » after « » Cadrage national » goes back to the section's level.
    """

    def __init__(self, default: str | None = None):
        self.default = default
        self._open: list[tuple[int, str, str | None]] = []  # rank, text, level

    def heading(self, rank: int, text: str) -> None:
        """A heading of this rank (1 = h1) and text was passed."""
        while self._open and self._open[-1][0] >= rank:
            self._open.pop()
        self._open.append((rank, _clean(text), heading_level(text)))

    @property
    def level(self) -> str | None:
        """The level of the deepest open heading that states one, else the default."""
        return next((lvl for _, _, lvl in reversed(self._open) if lvl), self.default)

    @property
    def heading_text(self) -> str:
        """The text of the heading that decided the level ("" when it is the default)."""
        return next((text for _, text, lvl in reversed(self._open) if lvl), "")


def says_nothing(text: str, href: str = "") -> bool:
    """True when a link text does not name its target ("ici", "Téléchargement", the bare address...)."""
    folded = comparable(text).strip(" .:;,!()[]>»«-")
    if not folded or folded in EMPTY_LINK_TEXTS:
        return True
    return bool(href) and (
        folded.rstrip("/") == comparable(href).rstrip("/")
        or folded.startswith(("http://", "https://", "www."))
    )


def skip_reason(href: str, text: str, page_url: str, context: str = "") -> str | None:
    """Why a link is not a resource (French), or None if it is one."""
    raw = (href or "").strip()
    lowered = unquote(raw).lower()
    if not raw:
        return "lien sans adresse"
    if lowered.startswith("mailto:"):
        return "adresse électronique (mailto)"
    if lowered.startswith("tel:"):
        return "numéro de téléphone (tel)"
    if lowered.startswith("javascript:") or "/javascript:" in lowered:
        return "lien javascript"
    if raw.startswith("#"):
        return "ancre dans la même page"
    try:
        absolute = joined_address(raw, page_url)
        parts = urlsplit(absolute)
    except ValueError as exc:  # "http://[::1/x"
        return f"adresse mal formée ({url_problem(exc)})"
    if parts.scheme not in ("http", "https"):
        return f"adresse non web ({parts.scheme}:)"
    try:
        check_url(absolute)
    except ValidationError as exc:  # a port out of range, a space, a host that is no name
        return exc.message
    if parts.fragment and canonical_url(absolute) == canonical_url(page_url):
        return "ancre dans la même page"
    if canonical_url(absolute) == canonical_url(page_url):
        return "la page elle-même"
    if comparable(text).startswith(("favoris", "ajouter aux favoris")):
        return "bouton « Favoris »"
    host_and_path = (parts.netloc + parts.path).lower()
    if any(s.lower() in host_and_path for s in SHARING_HOSTS) or comparable(text).startswith(
        ("partager", "share")
    ):
        return "partage sur les réseaux sociaux"
    if LOGIN_PATH.search(parts.path + ("?" + parts.query if parts.query else "")):
        return "page de connexion ou d'inscription"
    if says_nothing(text, raw) and REGISTRATION_CONTEXT.search(comparable(context)):
        return "page de connexion ou d'inscription"
    return None


def _block_of(node) -> Tag | None:
    parent = node.parent
    while parent is not None and parent.name not in BLOCKS:
        parent = parent.parent
    return parent


def _own_text(block: Tag, skip_link=None) -> str:
    """A block's text without noise (sizes, toggles) and without the links that say nothing."""
    parts = []
    for piece in block.descendants:
        if not isinstance(piece, NavigableString) or piece.parent is None:
            continue
        if piece.find_parent(class_=re.compile("transcription", re.I)) is not None:
            continue
        link = piece.find_parent("a")
        if link is not None and (link is skip_link or says_nothing(link.get_text(" "), link.get("href", ""))):
            continue
        parts.append(str(piece))
    return _clean(NOISE.sub(" ", " ".join(parts))).strip(" ()[]:,;-–>")


def _first_strong(block: Tag, before=None) -> str:
    for strong in block.find_all(["strong", "b"] + list(HEADINGS)):
        if strong.find_parent(class_=re.compile("transcription", re.I)) is not None:
            continue
        text = _clean(strong.get_text(" ")).strip(" :")
        if len(text) >= 3 and not says_nothing(text):
            return text
    return ""


def _sentence(text: str, limit: int = 300) -> str:
    text = _clean(text)
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind(". "), cut.rfind(" ; "))
    return (cut[: end + 1] if end > limit // 3 else cut.rsplit(" ", 1)[0] + "…").strip()


def _context(node) -> tuple[str, str]:
    """(title, description) from around a link that says nothing: its block, else the block before."""
    block = _block_of(node)
    link = node if isinstance(node, Tag) else None
    while block is not None:
        own = _own_text(block, link)
        if len(own.split()) >= 2:
            title = _first_strong(block) or _sentence(own, 160)
            return title.rstrip(" :"), _sentence(own)
        previous = block.find_previous_sibling()
        if previous is not None and previous.name not in ("ul", "ol", "table"):
            text = _own_text(previous)
            if len(text.split()) >= 2:
                return _sentence(text, 160).rstrip(" :"), _sentence(text)
        block = _block_of(block)
    return "", ""


def _links_in_order(area: Tag):
    """Yield ("heading", element) and ("link", element or text node, href, text) in document order."""
    for element in area.descendants:
        if isinstance(element, Tag):
            if heading_rank(element) is not None:
                yield ("heading", element)
            if element.name == "a":
                yield (
                    "link",
                    element,
                    element.get("href", ""),
                    _clean(element.get_text(" ")) or element.get("title", ""),
                )
        elif isinstance(element, NavigableString) and element.find_parent("a") is None:
            if element.parent is not None and element.parent.name in ("script", "style"):
                continue
            for match in BARE_URL.finditer(str(element)):
                yield ("link", element, match.group(0), match.group(0))


def parse_page(
    body: bytes | str, page_url: str, default_level: str | None = None, content_type: str = ""
) -> PageImport:
    """Find the resources a page links to, with their level, title and description; no network."""
    html = body if isinstance(body, str) else decode(body, content_type)[0]
    soup = BeautifulSoup(html, "lxml")
    base = soup.find("base", href=True)
    try:
        base_url = urljoin(page_url, base["href"]) if base is not None else page_url
    except ValueError:  # a malformed <base href>: links are read against the page's own address
        base_url = page_url
    area = _content_area(soup)
    result = PageImport(page_url=page_url)
    by_canonical: dict[str, Candidate] = {}
    levels = LevelTracker(default_level)
    for item in _links_in_order(area):
        if item[0] == "heading":
            levels.heading(heading_rank(item[1]), item[1].get_text(" "))
            continue
        _, node, href, text = item
        block = _block_of(node)
        context = _own_text(block, node if isinstance(node, Tag) else None) if block is not None else ""
        reason = skip_reason(href, text, base_url, context)
        if not reason and canonical_url(joined_address(href, base_url)) == canonical_url(page_url):
            reason = "la page elle-même"
        if reason:
            result.skipped.append(Skipped(href=href, text=text, reason=reason))
            continue
        url = check_url(joined_address(href, base_url))
        if says_nothing(text, href):
            title, description = _context(node)
            title_from = "context" if title else "url"
            title = title or url
            description = "" if description == title else description
        else:
            title, title_from = text.strip(" :>»"), "link"
            description = _sentence(context) if len(context.split()) >= 3 else ""
        key = canonical_url(url)
        existing = by_canonical.get(key)
        if existing is None:
            level, heading = levels.level, levels.heading_text
            label = f"{title} {description}"
            if own_level(label):
                level, heading = own_level(label), _sentence(title, 120)
            by_canonical[key] = Candidate(
                url=url,
                title=title,
                description=description,
                level=level,
                title_from=title_from,
                heading=heading,
            )
            result.candidates.append(by_canonical[key])
        elif existing.title_from != "link" and title_from == "link":
            existing.title, existing.title_from = title, "link"  # a link that names it beats context
            existing.description = existing.description or description
    return result


@dataclass
class ImportOutcome:
    """What import_page did: new resources, ones already in the catalogue, skipped links."""

    page: PageImport
    created: list[Resource] = field(default_factory=list)
    existing: list[Resource] = field(default_factory=list)


def import_page(store, fetcher, url: str, level: str | None = None, dry_run: bool = False) -> ImportOutcome:
    """Fetch a page and add the resources it links to (nothing written with dry_run)."""
    fetched = fetcher.fetch(url)
    if not fetched.ok or fetched.body is None:
        why = fetched.error or (
            f"le serveur répond {fetched.status}" if fetched.status else outcome_label(fetched.outcome)
        )
        raise PageImportError(url, f"la page n'a pas pu être récupérée : {why}")
    page = parse_page(fetched.body, fetched.final_url or url, level, fetched.headers.get("Content-Type", ""))
    outcome = ImportOutcome(page=page)
    new = []
    for candidate in page.candidates:
        found = store.find_by_url(candidate.url)
        if found is not None:
            outcome.existing.append(found)
            continue
        resource = Resource(
            url=candidate.url,
            title=candidate.title[:300],
            description=candidate.description,
            level=candidate.level,
            source_url=url,
        )
        new.append(resource)
    if not dry_run and new:
        store.upsert_many(new)
    outcome.created = new
    log.info(
        "import-page %s: %d new, %d existing, %d skipped",
        url,
        len(new),
        len(outcome.existing),
        len(page.skipped),
    )
    return outcome
