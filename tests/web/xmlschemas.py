"""The published XML schemas the site's answers are checked against (files in tests/web/schemas/)."""

from functools import cache
from pathlib import Path

from lxml import etree

SCHEMAS = Path(__file__).parent / "schemas"


@cache
def schema(*names: str) -> etree.XMLSchema:
    """One XMLSchema importing the named schema files of tests/web/schemas/ (each with its own namespace)."""
    imports = []
    for name in names:
        namespace = etree.parse(str(SCHEMAS / name)).getroot().get("targetNamespace")
        imports.append(f'<xs:import namespace="{namespace}" schemaLocation="{(SCHEMAS / name).as_uri()}"/>')
    wrapper = '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">' + "".join(imports) + "</xs:schema>"
    return etree.XMLSchema(etree.fromstring(wrapper.encode()))


def assert_valid(body: bytes, *names: str) -> etree._Element:
    """Parse an XML answer and check it against the named schemas; return its root."""
    root = etree.fromstring(body)
    checker = schema(*names)
    assert checker.validate(root), "\n".join(str(e) for e in checker.error_log)
    return root
