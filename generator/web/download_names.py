"""File names of downloaded decks: the title and version, in any script.

Browsers read RFC 6266's `filename*=UTF-8''...` (so a Japanese title keeps its name); the
plain `filename="..."` beside it is an ASCII fallback for older clients.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

MAX_TITLE = 80
_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|;]+')
_SPACES = re.compile(r"\s+")


def deck_file_name(title: str, version: int, extension: str) -> str:
    """`<title>-v<version>.<extension>`, with characters no file system takes removed."""
    clean = _SPACES.sub(" ", _UNSAFE.sub(" ", unicodedata.normalize("NFC", title or ""))).strip()
    clean = clean[:MAX_TITLE].strip(" .") or "deck"
    return f"{clean}-v{version}.{extension}"


def ascii_fallback(name: str) -> str:
    """`name` in ASCII: accents dropped ("Café" -> "Cafe"); a name in another script becomes
    "deck" with its version and extension, rather than a few stray Latin letters."""
    stem, _, extension = name.rpartition(".")
    base, _, version = stem.rpartition("-v")
    letters = "".join(c for c in unicodedata.normalize("NFKD", base)
                      if not unicodedata.combining(c))
    if not letters.isascii() or not letters.strip():
        letters = "deck"
    return f"{letters}-v{version}.{extension}"


def attachment_header(name: str) -> str:
    """The Content-Disposition value that downloads the file as `name`."""
    fallback = ascii_fallback(name)
    if fallback == name:
        return f'attachment; filename="{name}"'
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
