"""Watched sources named by a malformed address: one French line and exit 2, never a traceback."""

import pytest


@pytest.mark.parametrize(
    "args",
    [
        ("source", "remove", "http://[::1/x"),
        ("watch", "--source", "http://[::1/x"),
        ("source", "add", "--kind", "page", "http://[::1/x"),
        ("source", "add", "--kind", "page", "http://example.org:99999/"),
        ("source", "add", "--kind", "page", "https://site.example/a b"),
    ],
)
def test_a_malformed_source_address_is_one_line(catalogue_in_process, args):
    catalogue_in_process(*args).assert_one_french_line(args[-1].split("/")[2][:5])


def test_a_source_address_in_capitals_is_accepted_and_found_again(catalogue_in_process):
    ran = catalogue_in_process("source", "add", "--kind", "page", "HTTPS://Site.example/actus")
    assert 0 == ran.code, ran.stderr
    assert 0 == catalogue_in_process("source", "remove", "https://site.example/actus").code
