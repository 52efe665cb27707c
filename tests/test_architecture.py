"""The dependency arrows of docs/ARCHITECTURE.md, kept true by walking every import with ast."""

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIRST_PARTY = {"catalogue", "crawler", "index", "web"}


def imports_of(path: Path) -> set[str]:
    """The dotted names a module imports (absolute, relative ones resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                names.add(".".join(base + ([node.module] if node.module else [])))
            else:
                names.add(node.module)
    return names


def modules(package: str, exclude: str | None = None):
    for path in sorted((ROOT / package).rglob("*.py")):
        if exclude and exclude in path.relative_to(ROOT).parts:
            continue
        yield path


def is_stdlib(name: str) -> bool:
    return name.split(".")[0] in sys.stdlib_module_names


def violations(package, allowed_first_party, allowed_third_party=None, exclude=None):
    found = []
    for path in modules(package, exclude):
        for name in imports_of(path):
            top = name.split(".")[0]
            if top in FIRST_PARTY:
                ok = any(name == a or name.startswith(a + ".") for a in allowed_first_party)
                ok = ok and not name.startswith("catalogue.cli")
            elif allowed_third_party is None:
                ok = True
            else:
                ok = is_stdlib(name) or top in allowed_third_party
            if not ok:
                found.append(f"{path.relative_to(ROOT)} imports {name}")
    return found


@pytest.mark.parametrize(
    "package, first_party, third_party",
    [
        ("catalogue", {"catalogue"}, set()),  # the core: standard library only
        ("crawler", {"catalogue", "crawler"}, None),
        # and a bounded cache, and numpy for score vectors and facet masks
        ("index", {"catalogue", "index"}, {"whoosh", "cachetools", "numpy"}),
        ("web", {"catalogue", "index", "web"}, None),
    ],
)
def test_packages_import_only_what_the_architecture_allows(package, first_party, third_party):
    assert [] == violations(
        package, first_party, third_party, exclude="cli" if package == "catalogue" else None
    )


def test_the_web_never_imports_the_crawler_nor_any_http_client():
    found = [v for v in violations("web", {"catalogue", "index", "web"}) if "crawler" in v]
    found += [
        f"{p.relative_to(ROOT)} imports {n}"
        for p in modules("web")
        for n in imports_of(p)
        if n.split(".")[0] in {"requests", "whoosh"}
    ]
    assert [] == found


def test_the_checker_walks_real_modules():
    assert len(list(modules("catalogue"))) > 5
    assert "catalogue.models" in imports_of(ROOT / "catalogue" / "store.py")


def attribute_uses(package: str, attribute: str) -> list[str]:
    """Where a module of `package` reads `something.<attribute>`."""
    found = []
    for path in modules(package):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == attribute:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


@pytest.mark.parametrize("package", ["crawler", "index", "web"])
def test_sql_stays_in_the_catalogue_core_no_store_connection_elsewhere(package):
    """Other packages call the store's named methods: raw SQL outside catalogue/ couples them to the schema."""
    assert [] == attribute_uses(package, "conn")


# The one sanctioned way to the store's connection (catalogue/store.py, `connection_of`).
DOOR = "connection_of"


def names_imported_from(path: Path, module: str) -> set[str]:
    """The names a module imports from `module` (`from module import name`), or {"*module*"} for `import module`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == module and not node.level:
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import) and any(alias.name == module for alias in node.names):
            found.add(f"*{module}*")
    return found


def test_the_store_connection_is_private_to_the_store():
    """Only catalogue/store.py holds the connection (`_conn`); no module anywhere reads a public `store.conn`."""
    everywhere = ["catalogue", "crawler", "index", "web", "bench", "tests"]
    found = [use for package in everywhere for use in attribute_uses(package, "_conn")]
    found = [use for use in found if not use.startswith("catalogue/store.py:")]
    found += [use for package in everywhere for use in attribute_uses(package, "conn")]
    assert [] == found


def test_inside_the_catalogue_only_its_table_modules_reach_the_connection_and_only_through_the_door():
    """The catalogue's own table modules (catalogue/*.py, not the CLI) get the connection from
    `catalogue.store.connection_of(store)`; nothing else imports it, not even tests."""
    users = {
        str(path.relative_to(ROOT))
        for package in ("catalogue", "crawler", "index", "web", "bench", "tests")
        for path in modules(package)
        if DOOR in names_imported_from(path, "catalogue.store")
    }
    outside = sorted(u for u in users if not u.startswith("catalogue/") or u.startswith("catalogue/cli/"))
    assert [] == outside
    assert {"catalogue/linkhealth.py", "catalogue/users.py", "catalogue/extractions.py"} <= users


def test_extraction_never_touches_the_network():
    """crawler/extract takes bytes and returns text: it is tested on stored files, offline."""
    assert len(list(modules("crawler/extract"))) > 3
    found = [
        f"{p.relative_to(ROOT)} imports {n}"
        for p in modules("crawler/extract")
        for n in imports_of(p)
        if n.split(".")[0] in {"requests", "urllib3", "httpx"}
        or n == "crawler.fetch"
        or n.startswith("crawler.fetch.")
    ]
    assert [] == found


def test_the_web_uses_only_the_query_and_search_api_of_the_index():
    found = [
        f"{p.relative_to(ROOT)} imports {n}"
        for p in modules("web")
        for n in imports_of(p)
        if n.split(".")[0] == "index" and n not in ("index.query", "index.search")
    ]
    assert [] == found
