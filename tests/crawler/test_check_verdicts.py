"""Verdict rules without the network (soft 404 phrases, moves, home redirects, bot walls) and TLS on a real server."""

import ssl
import subprocess

import pytest

from crawler.fetch import Fetcher, FetchResult
from crawler.netguard import forbidden_reason
from crawler.verdicts import moved_target, redirected_home, soft404_phrase, verdict_of
from tests.crawler.faultserver import fast_settings, page
from tests.localserver import LocalServer, Response


@pytest.mark.parametrize(
    ("body", "phrase"),
    [
        (page("Page introuvable"), "page introuvable"),
        (page("Erreur 404 - Mairie de Lille"), "erreur 404"),
        (
            page("Oups", "Désolé, la page que vous recherchez n’existe pas."),
            "la page que vous recherchez n'existe pas",
        ),
        (page("Page not found"), "page not found"),
        (page("Guide de la cité éducative", "Le programme, les actions.", size=2000), None),
        (page("Page introuvable", size=40_000), None),  # too big to be an error page: not read
    ],
)
def test_soft_404_phrases_in_french_and_english(body, phrase):
    assert soft404_phrase(body, "text/html") == phrase


@pytest.mark.parametrize(
    ("url", "final", "home"),
    [
        ("https://site.fr/docs/guide.pdf", "https://site.fr/", True),
        ("https://site.fr/docs/guide.pdf", "https://site.fr/accueil", True),
        ("https://site.fr/docs/guide.pdf", "https://site.fr/docs/guide-2024.pdf", False),
        ("https://site.fr/", "https://www.site.fr/", False),
    ],
)
def test_a_deep_link_redirected_to_the_home_page(url, final, home):
    assert redirected_home(url, final) is home


@pytest.mark.parametrize(
    ("redirects", "target"),
    [
        ([(301, "https://b.fr/nouveau")], "https://b.fr/nouveau"),
        ([(301, "https://b.fr/x"), (308, "https://b.fr/y")], "https://b.fr/y"),
        ([(302, "https://b.fr/x")], None),  # temporary: judged by its end, no new address
        ([(301, "https://b.fr/x"), (302, "https://b.fr/y")], "https://b.fr/x"),
        ([(301, "https://www.a.fr/page")], None),  # http -> https, www.: the same resource
    ],
)
def test_the_proposed_new_address_of_a_move(redirects, target):
    assert moved_target("http://a.fr/page", redirects) == target


@pytest.mark.parametrize(
    ("status", "body", "verdict"),
    [
        (404, b"", "broken"),
        (410, b"", "broken"),
        (400, b"", "broken"),
        (401, b"", "blocked"),
        (403, b"", "blocked"),
        (999, b"", "blocked"),
        (429, b"", "rate_limited"),
        (500, b"", "error"),
        (503, b"", "error"),
        (503, b"<html>Checking your browser... captcha</html>", "blocked"),
    ],
)
def test_error_statuses(status, body, verdict):
    result = FetchResult(url="https://a.fr/x", outcome="http", status=status, body=body)
    assert verdict_of(result)[0] == verdict


@pytest.mark.parametrize(
    ("address", "forbidden"),
    [
        ("127.0.0.1", True),
        ("127.8.9.1", True),
        ("10.1.2.3", True),
        ("172.16.0.1", True),
        ("192.168.1.10", True),
        ("169.254.169.254", True),  # cloud metadata
        ("224.0.0.251", True),
        ("0.0.0.0", True),
        ("240.0.0.1", True),
        ("100.64.0.1", True),  # carrier-grade NAT
        ("::1", True),
        ("fe80::1%eth0", True),
        ("fc00::1", True),
        ("::ffff:127.0.0.1", True),
        ("ff02::1", True),
        ("193.51.24.1", False),
        ("2001:4860:4860::8888", False),
    ],
)
def test_the_guard_classifies_addresses(address, forbidden):
    assert (forbidden_reason(address) is not None) is forbidden


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def test_an_untrusted_certificate_is_a_tls_failure_said_in_words(self_signed, tmp_path):
    cert, key = self_signed
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with LocalServer({"/doc": Response(200, b"secret")}) as srv, Fetcher(fast_settings(tmp_path)) as f:
        srv.socket = context.wrap_socket(srv.socket, server_side=True, do_handshake_on_connect=False)
        result = f.fetch(srv.url("/doc").replace("http://", "https://"))
    assert (result.outcome, verdict_of(result)[0]) == ("tls", "tls")
    assert result.error == "le certificat est auto-signé (non reconnu)"
