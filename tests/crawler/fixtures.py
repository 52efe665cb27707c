"""Fixture documents generated for the crawler tests: French PDF, DOCX, RSS, MP3, HTML and broken files."""

import gzip
import io

RARE_PDF_WORD = "xylocopeanthracite"
FAR_PDF_WORD = "ornithorynquebleu"
RARE_DOCX_WORD = "zinzolinécarlate"
RARE_EPISODE_WORD = "galimatiasophone"
RARE_HTML_WORD = "pétrichorinesque"
BOILERPLATE_WORD = "menunavigationzz"


def pdf_bytes(
    title: str = "Évaluation des cités éducatives",
    pages: int = 2,
    rare_word: str = RARE_PDF_WORD,
    far_word: str | None = None,
    author: str = "IREV",
) -> bytes:
    """A French PDF made with reportlab; `rare_word` on page 1, `far_word` (if any) on the last page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    c.setTitle(title)
    c.setAuthor(author)
    c.setSubject("Synthèse du séminaire des chefs de projet opérationnels")
    for number in range(1, pages + 1):
        text = c.beginText(50, 780)
        text.setFont("Helvetica", 11)
        text.textLine(f"{title} — page {number}")
        text.textLine("Les cités éducatives réunissent l'école, la ville et les associations.")
        if number == 1:
            text.textLine(f"Un mot rare du corps du document : {rare_word}.")
        if far_word and number == pages:
            text.textLine(f"Très loin dans le document : {far_word}.")
        for line in range(30):
            text.textLine(f"Ligne {line} : coordination, évaluation, réussite éducative, parentalité.")
        c.drawText(text)
        c.showPage()
    c.save()
    return out.getvalue()


def truncated_pdf() -> bytes:
    """A PDF cut in the middle: the header is right, the rest is missing."""
    whole = pdf_bytes(pages=1)
    return whole[: len(whole) // 3]


def docx_bytes(
    title: str = "Compte rendu de la réunion du 3 mars 2022", rare_word: str = RARE_DOCX_WORD
) -> bytes:
    """A DOCX made with python-docx, with core properties and a rare word in a paragraph."""
    import docx

    document = docx.Document()
    document.core_properties.title = title
    document.core_properties.author = "Maïta Giraldi"
    document.core_properties.subject = "Réseau régional des CPO"
    document.add_heading(title, level=1)
    document.add_paragraph("Objectifs de la réunion : animer le réseau régional des coordonnateurs.")
    document.add_paragraph(f"Maubeuge présente le projet « Lis avec moi » et le mot {rare_word}.")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Présents"
    table.rows[0].cells[1].text = "Khodja Samira ; Messaoudene Hacina"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def rss_bytes(rare_word: str = RARE_EPISODE_WORD) -> bytes:
    """A podcast RSS feed with two episodes (iTunes durations, MP3 enclosures)."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
<channel>
  <title>Le tour des cités éducatives des Hauts-de-France</title>
  <link>https://irev.example/podcast</link>
  <description>Podcast sur l'évaluation des cités éducatives.</description>
  <language>fr-FR</language>
  <item>
    <title>Construire le protocole d'évaluation n°1</title>
    <pubDate>Thu, 28 Apr 2022 12:15:00 +0200</pubDate>
    <description><![CDATA[<p>Premier épisode : le protocole et le mot {rare_word}.</p>]]></description>
    <itunes:duration>00:25:30</itunes:duration>
    <enclosure url="https://irev.example/ep1.mp3" length="1000" type="audio/mpeg"/>
  </item>
  <item>
    <title>Construire le protocole d'évaluation, et après ?</title>
    <pubDate>Fri, 13 May 2022 09:00:00 +0200</pubDate>
    <description>Deuxième épisode sur les suites de l'évaluation.</description>
    <itunes:duration>1800</itunes:duration>
    <enclosure url="https://irev.example/ep2.mp3" length="1000" type="audio/mpeg"/>
  </item>
</channel>
</rss>""".encode()


def mp3_bytes(title: str = "Épisode sur la parentalité", artist: str = "IREV", frames: int = 383) -> bytes:
    """An MP3 of silent MPEG-1 Layer III frames (128 kb/s, 44.1 kHz; 383 frames = 10 s) with ID3 tags."""
    from mutagen.id3 import COMM, ID3, TDRC, TIT2, TPE1

    header = bytes([0xFF, 0xFB, 0x90, 0x00])  # MPEG-1 Layer III, 128 kb/s, 44.1 kHz, no padding
    frame = header + b"\x00" * (417 - len(header))
    out = io.BytesIO(frame * frames)
    tags = ID3()
    tags.add(TIT2(encoding=3, text=title))
    tags.add(TPE1(encoding=3, text=artist))
    tags.add(TDRC(encoding=3, text="2022"))
    tags.add(COMM(encoding=3, lang="fra", desc="", text="Parents et école, ensemble."))
    tags.save(out)
    return out.getvalue()


def html_page(
    title: str = "Rencontre nationale des Cités éducatives",
    rare_word: str = RARE_HTML_WORD,
    charset: str = "utf-8",
    extra_head: str = "",
) -> bytes:
    """A French article page with navigation, header and footer boilerplate around the main text."""
    page = f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="{charset}"><title>{title} | IREV</title>
<meta name="description" content="Le 9 mars s'est tenue la rencontre nationale des cités éducatives.">
<meta property="og:title" content="{title}">
<script type="application/ld+json">{{"@context": "https://schema.org", "@type": "Article",
 "headline": "{title}", "datePublished": "2022-04-28T12:15:00+02:00"}}</script>{extra_head}
</head><body>
<header><div class="logo">IREV</div><nav><ul><li><a href="/">Accueil</a></li>
<li><a href="/themes">Thématiques {BOILERPLATE_WORD}</a></li><li><a href="/agenda">Agenda</a></li></ul></nav></header>
<main><article><h1>{title}</h1>
<p>Le 9 mars s'est tenue la rencontre nationale des cités éducatives en région parisienne, organisée par la
Coordination nationale (ANCT et DGESCO). 450 participants représentaient 160 des 200 cités éducatives labellisées.</p>
<p>Cette journée a été l'occasion de réunir le réseau, d'accueillir les acteurs des cités éducatives nouvellement
labellisées et d'échanger sur les pratiques, avec le mot {rare_word} au centre de l'article.</p>
<p>Retrouvez ci-dessous les replays et documents ressources de cette rencontre, ainsi que la synthèse écrite du
séminaire dédié aux chefs de projet opérationnels.</p>
</article></main>
<footer><p>IREV - 135 boulevard Paul Painlevé, 59000 Lille. Mentions légales. {BOILERPLATE_WORD}</p></footer>
</body></html>"""
    return page.encode(charset)


def video_page(title: str = "Ouverture sur le monde : coopérations au Québec") -> bytes:
    """A video page described by OpenGraph (og:video, video:duration)."""
    return f"""<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>{title}</title>
<meta property="og:type" content="video.other"><meta property="og:title" content="{title}">
<meta property="og:description" content="Replay de la rencontre nationale du 9 mars 2022.">
<meta property="og:video" content="https://anctv.example/player/8c669c0d3e.mp4">
<meta property="video:duration" content="1234">
</head><body><main><p>Replay.</p></main></body></html>""".encode()


def gzip_bytes(body: bytes) -> bytes:
    """A gzip-compressed copy of a body."""
    return gzip.compress(body)
