"""Citations of resources for reference managers (Zotero…): RIS, BibTeX, COinS and Highwire tags.

Each takes resources (or search hits: anything with title, url, type, publisher, date,
themes, description) and writes only public fields. Accents are kept (UTF-8); each format
escapes what its own syntax needs: RIS holds one line per field, BibTeX escapes LaTeX's
special characters and keeps the title's case, COinS is a URL-encoded ContextObject.
"""

from urllib.parse import urlencode

from catalogue.crosswalk import mapping, media_type

RIS_MEDIA_TYPE = "application/x-research-info-systems; charset=utf-8"
BIBTEX_MEDIA_TYPE = "application/x-bibtex; charset=utf-8"
# LaTeX's special characters, escaped for BibTeX (backslash first).
_LATEX = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}


def _one_line(value: str) -> str:
    return " ".join(str(value or "").split())


def _theme_labels(item, vocabularies) -> list[str]:
    return [vocabularies.themes.label(t) for t in item.themes]


def ris_record(item, vocabularies, page_url: str) -> str:
    """One RIS record (TY first, ER last), each value on one line."""
    lines = [("TY", mapping(item).ris), ("TI", item.title)]
    if item.publisher:
        lines += [("AU", item.publisher), ("PB", item.publisher)]
    if item.date:
        parts = item.date.split("-")
        lines.append(("PY", parts[0]))
        lines.append(("DA", "/".join(parts + [""] * (3 - len(parts))) + "/"))
    if item.description:
        lines.append(("AB", item.description))
    lines += [("KW", label) for label in _theme_labels(item, vocabularies)]
    if item.type:
        lines.append(("M3", vocabularies.types.label(item.type)))
    lines.append(("UR", item.url))
    lines.append(("LA", getattr(item, "language", "") or "fr"))
    if getattr(item, "territory", ""):
        lines.append(("CY", item.territory))
    lines.append(("ID", item.id))
    lines.append(("L2", page_url))
    body = "".join(f"{tag}  - {_one_line(value)}\r\n" for tag, value in lines)
    return body + "ER  - \r\n"


def latex(value: str) -> str:
    """A value escaped for a BibTeX field (accents kept as UTF-8)."""
    return "".join(_LATEX.get(char, char) for char in _one_line(value))


def _url(value: str) -> str:
    # A URL is written as it is (\url copes with % and #); only braces would unbalance the field.
    return value.replace("{", "%7B").replace("}", "%7D")


def bibtex_entry(item, vocabularies, page_url: str) -> str:
    """One BibTeX entry, keyed by the resource id; the title's case protected by braces."""
    kind = mapping(item).bibtex
    fields = [("title", "{" + latex(item.title) + "}")]
    if item.publisher:
        fields.append(("author", "{" + latex(item.publisher) + "}"))  # an organisation: one name
        fields.append(("publisher", latex(item.publisher)))
        if kind == "techreport":
            fields.append(("institution", latex(item.publisher)))
        elif kind == "manual":
            fields.append(("organization", latex(item.publisher)))
    if item.date:
        fields.append(("year", item.date[:4]))
        fields.append(("date", item.date))
    if item.description:
        fields.append(("abstract", latex(item.description)))
    labels = _theme_labels(item, vocabularies)
    if labels:
        fields.append(("keywords", latex("; ".join(labels))))
    if item.type:
        fields.append(("type", latex(vocabularies.types.label(item.type))))
    fields.append(("url", _url(item.url)))
    fields.append(("language", latex(getattr(item, "language", "") or "fr")))
    fields.append(("note", latex(f"Fiche du catalogue : {page_url}")))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{kind}{{cites-{item.id},\n{body}\n}}\n"


def coins(item, vocabularies) -> str:
    """The COinS ContextObject (Dublin Core format) of a resource: the title of a Z3988 span."""
    pairs = [
        ("ctx_ver", "Z39.88-2004"),
        ("rft_val_fmt", "info:ofi/fmt:kev:mtx:dc"),
        ("rfr_id", "info:sid/cites-catalogue"),
        ("rft.title", item.title),
    ]
    if item.publisher:
        pairs += [("rft.creator", item.publisher), ("rft.publisher", item.publisher)]
    if item.date:
        pairs.append(("rft.date", item.date))
    pairs.append(("rft.type", mapping(item).dcmi))
    if item.type:
        pairs.append(("rft.type", vocabularies.types.label(item.type)))
    pairs.append(("rft.format", media_type(item)))
    pairs += [("rft.subject", label) for label in _theme_labels(item, vocabularies)]
    if item.description:
        pairs.append(("rft.description", _one_line(item.description)[:500]))
    pairs.append(("rft.identifier", item.url))
    pairs.append(("rft.language", getattr(item, "language", "") or "fr"))
    return urlencode(pairs)


def highwire(resource, vocabularies, page_url: str) -> list[tuple[str, str]]:
    """The Highwire Press `citation_*` meta tags of a resource page, as (name, content) pairs."""
    kind = mapping(resource)
    pairs = [("citation_title", resource.title)]
    if resource.publisher:
        pairs += [("citation_author", resource.publisher), ("citation_publisher", resource.publisher)]
        if kind.bibtex == "techreport":
            pairs.append(("citation_technical_report_institution", resource.publisher))
    if resource.date:
        pairs.append(("citation_publication_date", resource.date.replace("-", "/")))
    pairs.append(("citation_language", resource.language or "fr"))
    labels = _theme_labels(resource, vocabularies)
    if labels:
        pairs.append(("citation_keywords", "; ".join(labels)))
    pairs.append(("citation_abstract_html_url", page_url))
    if media_type(resource) == "application/pdf":
        pairs.append(("citation_pdf_url", resource.url))
    else:
        pairs.append(("citation_fulltext_html_url", resource.url))
    return pairs
