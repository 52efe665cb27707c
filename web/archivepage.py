"""An archived HTML page made safe to show: parsed, then cleaned of everything that runs or moves the reader.

Parsed by lxml and cleaned by lxml_html_clean's Cleaner, not by regular expressions: a
`<meta content="0;url=…?a>b" http-equiv="refresh">` is one element whatever its attribute
order or the `>` inside a value. Gone: script, meta (refresh included), event handlers
(on…), javascript: addresses, embedded objects and frames. The page is still served
under a sandboxing Content-Security-Policy, as a second wall.
"""

import re

from lxml import etree
from lxml import html as lxml_html
from lxml_html_clean import Cleaner

XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
CLEANER = Cleaner(
    scripts=True,
    javascript=True,  # on… attributes and javascript: addresses
    meta=True,  # http-equiv refresh, set-cookie, and the rest
    embedded=True,
    frames=True,
    processing_instructions=True,
    comments=True,  # conditional comments can hold scripts
    style=False,  # the archive keeps its look
    inline_style=False,
    links=False,
    forms=False,
    page_structure=False,
    annoying_tags=False,
    remove_unknown_tags=False,
    safe_attrs_only=False,
)


def safe_archive_html(text: str, banner: str) -> str:
    """The archived page cleaned, with `banner` (trusted HTML) first in its body."""
    text = XML_DECLARATION.sub("", text, count=1)  # lxml refuses a str that declares its encoding
    try:
        document = lxml_html.document_fromstring(text)
    except (etree.ParserError, ValueError):  # an empty or unreadable document: the banner alone
        return "<!doctype html>\n" + banner
    document = CLEANER.clean_html(document)
    body = document.find("body")
    if body is None:
        body = etree.SubElement(document, "body")
    body.insert(0, lxml_html.fragment_fromstring(banner))
    return "<!doctype html>\n" + lxml_html.tostring(document, encoding="unicode")
