"""Extraction from generated fixture files: pure functions, no network."""

import pytest

from crawler.extract import Episode, MalformedDocument, UnsupportedContent, extract, sniff
from crawler.extract.encoding import decode
from crawler.extract.html import parse_duration
from tests.crawler import fixtures as fx


def test_pdf_gives_metadata_page_count_and_body_text_with_accents():
    result = extract(fx.pdf_bytes(pages=3), "application/pdf")
    assert ("pdf", "Évaluation des cités éducatives", "IREV", 3) == (
        result.kind,
        result.title,
        result.author,
        result.page_count,
    )
    assert "Synthèse du séminaire des chefs de projet opérationnels" == result.description
    assert fx.RARE_PDF_WORD in result.text
    assert "réussite éducative" in result.text


def test_pdf_text_reaches_a_word_far_into_a_long_document():
    result = extract(fx.pdf_bytes(pages=60, far_word=fx.FAR_PDF_WORD), "application/pdf")
    assert 60 == result.page_count
    assert fx.FAR_PDF_WORD in result.text


def test_docx_gives_core_properties_and_paragraph_and_table_text():
    result = extract(
        fx.docx_bytes(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert (
        "docx",
        "Compte rendu de la réunion du 3 mars 2022",
        "Maïta Giraldi",
        "Réseau régional des CPO",
    ) == (
        result.kind,
        result.title,
        result.author,
        result.description,
    )
    assert fx.RARE_DOCX_WORD in result.text
    assert "Présents | Khodja Samira ; Messaoudene Hacina" in result.text


def test_rss_feed_gives_channel_and_episodes_with_duration_and_enclosure():
    result = extract(fx.rss_bytes(), "application/rss+xml")
    assert ("feed", "Le tour des cités éducatives des Hauts-de-France", "fr") == (
        result.kind,
        result.title,
        result.language,
    )
    assert [
        Episode(
            title="Construire le protocole d'évaluation n°1",
            date="2022-04-28",
            description=f"Premier épisode : le protocole et le mot {fx.RARE_EPISODE_WORD}.",
            duration=1530.0,
            enclosure_url="https://irev.example/ep1.mp3",
            enclosure_type="audio/mpeg",
        ),
        Episode(
            title="Construire le protocole d'évaluation, et après ?",
            date="2022-05-13",
            description="Deuxième épisode sur les suites de l'évaluation.",
            duration=1800.0,
            enclosure_url="https://irev.example/ep2.mp3",
            enclosure_type="audio/mpeg",
        ),
    ] == result.episodes


def test_mp3_gives_duration_and_id3_tags():
    result = extract(fx.mp3_bytes(), "audio/mpeg")
    assert ("audio", "Épisode sur la parentalité", "IREV", "2022", "Parents et école, ensemble.") == (
        result.kind,
        result.title,
        result.author,
        result.date,
        result.description,
    )
    assert 9.5 < result.duration < 10.5


def test_html_main_text_leaves_out_navigation_header_and_footer():
    result = extract(fx.html_page(), "text/html; charset=utf-8")
    assert ("html", "Rencontre nationale des Cités éducatives", "fr", "2022-04-28") == (
        result.kind,
        result.title,
        result.language,
        result.date,
    )
    assert "Le 9 mars s'est tenue la rencontre nationale des cités éducatives." == result.description
    assert fx.RARE_HTML_WORD in result.text
    assert fx.BOILERPLATE_WORD not in result.text


@pytest.mark.parametrize(
    "charset, header",
    [
        ("iso-8859-1", "text/html"),  # declared only in the page
        ("iso-8859-1", "text/html; charset=utf-8"),  # the header lies
        ("utf-8", "text/html; charset=iso-8859-1"),  # the header lies the other way
        ("cp1252", "text/html"),
    ],
)
def test_html_encoding_is_detected_not_assumed(charset, header):
    result = extract(fx.html_page(charset=charset), header)
    assert "Rencontre nationale des Cités éducatives" == result.title
    assert "région parisienne" in result.text


def test_undeclared_latin1_text_is_detected():
    text, _ = decode("Les cités éducatives réunissent l'école et la ville à Besançon.".encode("latin-1"), "")
    assert "Les cités éducatives réunissent l'école et la ville à Besançon." == text


def test_video_page_gives_opengraph_title_description_and_duration():
    result = extract(fx.video_page(), "text/html")
    assert ("video", "Ouverture sur le monde : coopérations au Québec", 1234.0) == (
        result.kind,
        result.title,
        result.duration,
    )
    assert "Replay de la rencontre nationale du 9 mars 2022." == result.description


def test_video_duration_from_json_ld_iso_duration():
    page = b"""<html><head><title>T</title><script type="application/ld+json">
    {"@context": "https://schema.org", "@type": "VideoObject", "name": "Replay", "duration": "PT1H2M3S"}
    </script></head><body><p>x</p></body></html>"""
    result = extract(page, "text/html")
    assert ("video", 3723.0) == (result.kind, result.duration)


@pytest.mark.parametrize(
    "value, seconds",
    [
        ("PT1M30S", 90.0),
        ("00:25:30", 1530.0),
        ("1800", 1800.0),
        ("12:05", 725.0),
        ("", None),
        ("bientôt", None),
    ],
)
def test_durations_are_read_in_every_common_form(value, seconds):
    assert seconds == parse_duration(value)


def test_a_pdf_served_as_html_is_still_read_as_a_pdf():
    result = extract(fx.pdf_bytes(), "text/html; charset=utf-8")
    assert "pdf" == result.kind
    assert fx.RARE_PDF_WORD in result.text


def test_a_gzip_file_is_inflated_then_extracted():
    result = extract(fx.gzip_bytes(fx.html_page()), "application/gzip")
    assert fx.RARE_HTML_WORD in result.text


def test_a_gzip_bomb_is_an_extraction_error_not_a_memory_blowup():
    bomb = fx.gzip_bytes(b"<html>" + b" " * 5_000_000)
    with pytest.raises(MalformedDocument, match="une fois décompressé, dépasse 1000000 octets"):
        extract(bomb, "application/gzip", max_bytes=1_000_000)


@pytest.mark.parametrize(
    "body, content_type, kind, message",
    [
        (fx.truncated_pdf(), "application/pdf", "pdf", "PDF illisible"),
        (b"\x00\x01\x02 not a pdf", "application/pdf", "pdf", "ce n'est pas un fichier PDF"),
        (b"PK\x03\x04 word/ broken zip", "application/octet-stream", "docx", "DOCX illisible"),
        (b"ID3\x03\x00\x00\x00\x00\x00\x10truncated", "audio/mpeg", "audio", "fichier audio illisible"),
        (b"<?xml version='1.0'?><rss><channel>", "application/rss+xml", "feed", "flux RSS ou Atom illisible"),
        (b"", "text/html", "html", "corps de réponse vide"),
    ],
)
def test_malformed_or_truncated_files_raise_a_specific_extraction_error(body, content_type, kind, message):
    with pytest.raises(MalformedDocument, match=message) as caught:
        extract(body, content_type)
    assert kind == caught.value.kind


def test_an_image_is_unsupported_content():
    with pytest.raises(UnsupportedContent) as caught:
        extract(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png")
    assert "image/png" == caught.value.kind


@pytest.mark.parametrize(
    "body, content_type, kind",
    [
        (b"%PDF-1.4 ...", "", "pdf"),
        (b"ID3\x03", "application/octet-stream", "audio"),
        (bytes([0xFF, 0xFB, 0x90, 0x00]), "", "audio"),
        (b"<?xml version='1.0'?><rss version='2.0'>", "text/xml", "feed"),
        (b"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'>", "application/xml", "feed"),
        (b"\n<!DOCTYPE html><html>", "text/plain", "html"),
        (b"Bonjour", "text/plain", "text"),
        (b"\x1f\x8b\x08", "application/gzip", "gzip"),
    ],
)
def test_sniffing_trusts_the_bytes_over_the_declared_type(body, content_type, kind):
    assert kind == sniff(body, content_type)
