"""The reference of the site benchmark: the same search and resource pages from SQLite FTS5, in a minimal Flask app.

`bench/web.py` serves it under the same waitress settings as the site and drives both with
the same load, one after the other: the site's latencies are then read as ratios to this
one's, which travel between machines where absolute times do not.

What it does, on purpose as plainly as a small app would:
- search page: the words matched in an FTS5 table (unicode61, accents removed), ranked by
  bm25 (title above description above text) or sorted by date or title, 20 hits with
  snippets, the count, and every facet counted by SQL GROUP BY with every filter but its
  own (disjunctive, as the site counts them), rendered by one plain Jinja template;
- resource page: the resource's row, its themes, five resources sharing a theme (newest
  first), rendered by a second template.
No stemming, no spelling suggestion, no accent-pair display: the reference is the floor
of what such a page costs, not a rival product.

    python bench/reference_app.py --db PATH [--port 8001] [--threads 8] [--workers 1]
"""

import argparse
import logging
import re
import sqlite3
import sys
import threading
import unicodedata
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask, abort, render_template, request
from jinja2 import DictLoader

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from catalogue.cli.serve import serve_forever  # noqa: E402
from catalogue.documents import iter_documents  # noqa: E402
from index.facets import FACET_LIMITS  # noqa: E402
from index.query import FACETS  # noqa: E402 - the product's facets and truncation: the same page

PER_PAGE = 20
STOP = frozenset("a au aux d de des du en et l la le les pour qu que un une sur dans par".split())
SCHEMA = """
CREATE VIRTUAL TABLE docs USING fts5(title, description, body, tokenize = 'unicode61 remove_diacritics 2');
CREATE TABLE resources (rowid INTEGER PRIMARY KEY, id TEXT UNIQUE, url, title, type, level,
                        publisher, year, date, territory, status);
CREATE TABLE details (rowid INTEGER PRIMARY KEY, description, excerpt);
CREATE TABLE themes (rowid INTEGER, theme TEXT);
"""


def build(store, path: Path) -> int:
    """Write the store's resources into a new reference database at `path`; the number written."""
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    conn.executescript(SCHEMA)
    count = 0
    with conn:
        for n, doc in enumerate(iter_documents(store), 1):
            r = doc.resource
            text = doc.full_text
            conn.execute(
                "INSERT INTO docs(rowid, title, description, body) VALUES (?, ?, ?, ?)",
                (n, doc.title or r.url, doc.description, text),
            )
            conn.execute(
                "INSERT INTO resources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (n, r.id, r.url, doc.title or r.url, r.type or "", r.level or "", r.publisher)
                + (r.date[:4], r.date, r.territory, doc.link_status or ""),
            )
            # The long columns apart: the facet columns stay a narrow table, quick to scan.
            conn.execute(
                "INSERT INTO details VALUES (?, ?, ?)", (n, doc.description, " ".join(text.split())[:1200])
            )
            themes = r.themes or r.suggested_themes
            conn.executemany("INSERT INTO themes VALUES (?, ?)", [(n, t) for t in themes])
            count = n
    conn.executescript(
        "CREATE INDEX themes_rowid ON themes(rowid); CREATE INDEX themes_theme ON themes(theme, rowid);"
        "CREATE INDEX resources_date ON resources(date); ANALYZE;"
    )
    conn.close()
    return count


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


def match_expression(q: str) -> str:
    """Every word of the query, quoted (FTS5 syntax never leaks from user input), stop words left out."""
    words = [w for w in re.findall(r"\w+", fold(q)) if w not in STOP]
    return " ".join(f'"{w}"' for w in words)


def find_matches(conn, match: str) -> None:
    """The documents matching the words, once per page, in the connection's temporary table `matched`."""
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS matched (rowid INTEGER PRIMARY KEY)")
    conn.execute("DELETE FROM matched")
    if match:
        conn.execute("INSERT INTO matched SELECT rowid FROM docs WHERE docs MATCH ?", (match,))


def where_clause(match: str, filters: dict, skip: str | None = None) -> tuple[str, list]:
    """SQL conditions on `r` (resources) for the words (see find_matches) and every filter but `skip`."""
    where, params = [], []
    if match:
        where.append("r.rowid IN (SELECT rowid FROM matched)")
    for name, values in filters.items():
        if name == skip:
            continue
        marks = ",".join("?" * len(values))
        if name == "theme":
            where.append(f"r.rowid IN (SELECT rowid FROM themes WHERE theme IN ({marks}))")
        else:
            where.append(f"r.{name} IN ({marks})")
        params += values
    return (" WHERE " + " AND ".join(where)) if where else "", params


def facet_counts(conn, match: str, filters: dict) -> list[dict]:
    """Each facet's values and counts (one more asked than shown, to know it is truncated)."""
    panels = []
    for name, label in FACETS.items():
        where, params = where_clause(match, filters, skip=name)
        limit = FACET_LIMITS[name]
        if name == "theme":
            sql = f"SELECT t.theme, count(*) AS n FROM themes t WHERE t.rowid IN (SELECT r.rowid FROM resources r{where}) GROUP BY t.theme"
        else:
            sql = f"SELECT r.{name}, count(*) AS n FROM resources r{where} GROUP BY r.{name}"
        rows = conn.execute(f"{sql} ORDER BY n DESC LIMIT {limit + 1}", params).fetchall()
        chosen = set(filters.get(name, []))
        values = [
            {"value": v, "count": c, "selected": v in chosen, "id": f"{name}-{i}"}
            for i, (v, c) in enumerate(rows[:limit])
            if v
        ]
        panels.append({"name": name, "label": label, "values": values, "truncated": len(rows) > limit})
    return panels


def search_page(conn, q: str, filters: dict, sort: str, page: int) -> dict:
    match = match_expression(q)
    find_matches(conn, match)
    where, params = where_clause(match, filters)
    offset = (page - 1) * PER_PAGE
    total = conn.execute(f"SELECT count(*) FROM resources r{where}", params).fetchone()[0]
    if match and sort == "relevance":
        hits = conn.execute(
            "SELECT r.id, r.url, r.title, r.type, r.level, r.publisher, r.date, r.status, "
            "snippet(docs, 2, '<mark>', '</mark>', '…', 24) FROM docs JOIN resources r ON r.rowid = docs.rowid"
            f" WHERE docs MATCH ?{where.replace(' WHERE ', ' AND ', 1)} "
            f"ORDER BY bm25(docs, 5.0, 2.0, 1.0) LIMIT {PER_PAGE} OFFSET {offset}",
            [match, *params],
        ).fetchall()
    else:
        order = "r.title" if sort == "title" else "r.date DESC"
        hits = conn.execute(
            "SELECT r.id, r.url, r.title, r.type, r.level, r.publisher, r.date, r.status, d.description "
            f"FROM resources r JOIN details d ON d.rowid = r.rowid{where} ORDER BY {order} LIMIT {PER_PAGE} OFFSET {offset}",
            params,
        ).fetchall()
    themes = {}
    for rid, theme in conn.execute(
        f"SELECT r.id, t.theme FROM themes t JOIN resources r ON r.rowid = t.rowid WHERE r.id IN ({','.join('?' * len(hits))})",
        [h[0] for h in hits],
    ):
        themes.setdefault(rid, []).append(theme)
    keys = ("id", "url", "title", "type", "level", "publisher", "date", "status", "snippet")
    return {
        "marked": bool(match and sort == "relevance"),
        "total": total,
        "hits": [dict(zip(keys, h, strict=True), themes=themes.get(h[0], [])) for h in hits],
        "facets": facet_counts(conn, match, filters),
        "last_page": max(1, -(-total // PER_PAGE)),
    }


SEARCH = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>{{ q }} — Recherche</title></head>
<body><h1>Rechercher une ressource</h1>
<form method="get" action="/recherche"><input type="search" name="q" value="{{ q }}"><button>Rechercher</button></form>
<aside><form method="get" action="/recherche">{% if q %}<input type="hidden" name="q" value="{{ q }}">{% endif %}
{% for f in facets %}<fieldset><legend>{{ f.label }}</legend><ul>
{% for v in f["values"] %}<li><input type="checkbox" id="{{ v.id }}" name="{{ f.name }}" value="{{ v.value }}"{% if v.selected %} checked{% endif %}>
<label for="{{ v.id }}">{{ v.value }} ({{ v.count }})</label></li>{% endfor %}</ul>
{% if f.truncated %}<p>Seules les valeurs les plus fréquentes sont affichées.</p>{% endif %}</fieldset>{% endfor %}
<button>Filtrer</button></form></aside>
<p role="status">{{ total }} ressources trouvées. Page {{ page }} sur {{ last_page }}.</p>
<ol>{% for h in hits %}<li><h3><a href="/ressources/{{ h.id }}">{{ h.title }}</a></h3>
<p>{{ h.type }} {{ h.level }} {{ h.publisher }} {{ h.date }} {{ h.status }}</p>
<p>{% if marked %}{{ h.snippet|safe }}{% else %}{{ (h.snippet or '')|truncate(300) }}{% endif %}</p>
<ul>{% for t in h.themes %}<li>{{ t }}</li>{% endfor %}</ul><p><a href="{{ h.url }}">{{ h.url|truncate(80, true) }}</a></p></li>{% endfor %}</ol>
<nav>{% for p in pages %}<a href="{{ p.url }}">{{ p.number }}</a> {% endfor %}</nav>
</body></html>"""

RESOURCE = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>{{ r.title }}</title>
<meta name="description" content="{{ r.description|truncate(300) }}"></head>
<body><h1>{{ r.title }}</h1><p><a href="{{ r.url }}">Consulter la ressource</a> {{ r.url }}</p>
<p>État du lien : {{ r.status or 'non vérifié' }}</p><h2>Description</h2><p>{{ r.description }}</p>
<dl><dt>Type</dt><dd>{{ r.type }}</dd><dt>Niveau</dt><dd>{{ r.level }}</dd><dt>Éditeur</dt><dd>{{ r.publisher }}</dd>
<dt>Date</dt><dd>{{ r.date }}</dd><dt>Territoire</dt><dd>{{ r.territory }}</dd>
<dt>Thèmes</dt><dd><ul>{% for t in themes %}<li><a href="/recherche?theme={{ t|urlencode }}">{{ t }}</a></li>{% endfor %}</ul></dd></dl>
<h2>Extrait du texte</h2><blockquote>{{ r.excerpt }}</blockquote>
<h2>Voir aussi</h2><ul>{% for h in related %}<li><a href="/ressources/{{ h.id }}">{{ h.title }}</a> {{ h.date }}</li>{% endfor %}</ul>
</body></html>"""


def create_app(db_path: str) -> Flask:
    """The reference site on the database at `db_path` (one read-only connection per thread)."""
    app = Flask(__name__)
    app.jinja_loader = DictLoader({"search.html": SEARCH, "resource.html": RESOURCE})  # compiled once, cached
    local = threading.local()

    def db() -> sqlite3.Connection:
        if not hasattr(local, "connection"):
            local.connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, isolation_level=None)
        return local.connection

    @app.get("/")
    def home():
        return "<!doctype html><p>Référence FTS5</p>"

    @app.get("/recherche")
    def search():
        q = request.args.get("q", "").strip()[:500]
        filters = {n: request.args.getlist(n) for n in FACETS if request.args.getlist(n)}
        sort = request.args.get("sort", "relevance")
        try:
            page = min(500, max(1, int(request.args.get("page", "1"))))
        except ValueError:
            page = 1
        data = search_page(db(), q, filters, sort, page)
        pages = [
            {"number": n, "url": "/recherche?" + urlencode({"q": q, "page": n})}
            for n in range(1, min(data["last_page"], 10) + 1)
        ]
        return render_template("search.html", q=q, page=page, pages=pages, **data)

    @app.get("/ressources/<rid>")
    def resource(rid: str):
        conn = db()
        conn.row_factory = sqlite3.Row
        try:
            row = conn.execute(
                "SELECT * FROM resources r JOIN details d ON d.rowid = r.rowid WHERE r.id = ?", (rid,)
            ).fetchone()
            if row is None:
                abort(404)
            themes = [t for (t,) in conn.execute("SELECT theme FROM themes WHERE rowid = ?", (row["rowid"],))]
            related = conn.execute(
                "SELECT id, title, date FROM resources WHERE rowid IN (SELECT rowid FROM themes WHERE theme IN "
                f"({','.join('?' * len(themes))})) AND id != ? ORDER BY date DESC LIMIT 5",
                [*themes, rid],
            ).fetchall()
        finally:
            conn.row_factory = None
        return render_template("resource.html", r=row, themes=themes, related=related)

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # a closed-loop load queues on purpose
    serve_forever(create_app(args.db), args.host, args.port, args.threads, args.workers, quiet=True)


if __name__ == "__main__":
    main()
