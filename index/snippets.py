"""Snippets: a window of a resource's text around the query's words, HTML-escaped, words in <mark>.

Character offsets come from the index (the body field keeps them), so a match 80 KB into
a PDF is found without re-reading the text with the analyzer.
"""

from html import escape

from index.postings import values_at

SNIPPET_CHARS = 260
LEAD_CHARS = 70


def body_spans(
    reader, terms: list[bytes], docnums: list[int], cache=None
) -> dict[int, list[tuple[int, int]]]:
    """For each document, the (start, end) characters of the body where one of these terms occurs."""
    spans: dict[int, list[tuple[int, int]]] = {d: [] for d in docnums}
    for term in terms:
        if ("body", term) not in reader:
            continue
        for docnum, chars in values_at(reader, "body", term, docnums, "characters", cache).items():
            spans[docnum].extend((start, end) for _, start, end in chars)
    return spans


def _best_start(spans: list[tuple[int, int]]) -> int:
    best, best_count = spans[0][0], 0
    j = 0
    for i, (start, _) in enumerate(spans):
        while j < len(spans) and spans[j][0] < start + SNIPPET_CHARS - LEAD_CHARS:
            j += 1
        if j - i > best_count:
            best, best_count = start, j - i
    return best


def _cut(text: str, start: int, end: int) -> tuple[int, int]:
    if start > 0:
        space = text.rfind(" ", max(0, start - 20), start)
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.find(" ", end, end + 20)
        end = space if space != -1 else end
    return start, end


def make_snippet(text: str, spans: list[tuple[int, int]]) -> str:
    """An HTML snippet of text around the densest group of spans (or the text's start if none)."""
    if not text:
        return ""
    spans = sorted(s for s in spans if 0 <= s[0] < s[1] <= len(text))
    if not spans:
        start, end = _cut(text, 0, SNIPPET_CHARS)
        return escape(text[start:end].strip()) + ("…" if end < len(text) else "")
    anchor = _best_start(spans)
    start, end = _cut(text, max(0, anchor - LEAD_CHARS), max(0, anchor - LEAD_CHARS) + SNIPPET_CHARS)
    out = ["…"] if start > 0 else []
    pos = start
    for s, e in spans:
        if s < pos or e > end:
            continue
        out.append(escape(text[pos:s]))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        pos = e
    out.append(escape(text[pos:end]))
    if end < len(text):
        out.append("…")
    return " ".join("".join(out).split())


def analysed_spans(text: str, forms: set[str]) -> list[tuple[int, int]]:
    """Characters of a short text whose analysed forms are among `forms` (for texts without stored offsets)."""
    from index.analysis import french_analyzer

    spans = []
    for token in french_analyzer()(text, chars=True, removestops=True):
        if token.text in forms and (not spans or spans[-1][0] != token.startchar):
            spans.append((token.startchar, token.endchar))
    return spans
