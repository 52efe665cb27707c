"""Audio files: duration and tags (title, artist, album, date, comment), with mutagen."""

import io

import mutagen
from mutagen import MutagenError

from crawler.extract.result import Extraction, MalformedDocument

_TAGS = {
    "title": ("TIT2", "title", "\xa9nam"),
    "artist": ("TPE1", "artist", "\xa9ART"),
    "album": ("TALB", "album", "\xa9alb"),
    "date": ("TDRC", "date", "\xa9day"),
    "comment": ("COMM", "comment", "\xa9cmt"),
}


def _tag(tags, keys) -> str:
    if not tags:
        return ""
    for key in keys:
        for name in list(tags.keys()):
            if name == key or name.startswith(key + ":"):
                value = tags[name]
                value = getattr(value, "text", value)
                if isinstance(value, list):
                    value = value[0] if value else ""
                return str(value).strip()
    return ""


def extract_audio(body: bytes) -> Extraction:
    """Extract an audio file's duration and tags; raises MalformedDocument if mutagen cannot read it."""
    try:
        audio = mutagen.File(io.BytesIO(body))
    except (MutagenError, ValueError, EOFError, IndexError, KeyError) as exc:
        raise MalformedDocument("audio", f"fichier audio illisible : {type(exc).__name__}: {exc}") from exc
    if audio is None:
        raise MalformedDocument("audio", "format audio inconnu")
    tags = {name: _tag(audio.tags, keys) for name, keys in _TAGS.items()}
    info = getattr(audio, "info", None)
    duration = getattr(info, "length", None)
    return Extraction(
        kind="audio",
        title=tags["title"],
        description=tags["comment"],
        text=" ".join(v for v in (tags["title"], tags["artist"], tags["album"], tags["comment"]) if v),
        date=tags["date"][:10],
        author=tags["artist"],
        duration=round(duration, 3) if duration else None,
        metadata={
            "tags": tags,
            "mime": list(getattr(audio, "mime", []) or []),
            "bitrate": getattr(info, "bitrate", None),
        },
    )
