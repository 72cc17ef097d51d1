"""Real font metrics for fitting and linting text.

PowerPoint lays out Latin characters in the run's `a:latin` typeface and East
Asian ones in its `a:ea` typeface.  We measure each character with the font
file that renders it here: the typeface itself when installed, else a
metric-compatible substitute (Liberation for Arial/Times/Courier, Carlito for
Calibri, Caladea for Cambria; CJK ideographs and kana are full-width in every
Japanese font, so Noto Sans CJK JP measures Meiryo, Yu Gothic and MS Gothic
alike).  Widths are cached per character at 1000 units per em, so measuring
a string is a sum and a multiplication.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from PIL import ImageFont

from generator.errors import FontError

UNITS = 1000

# Typeface names PowerPoint decks use, mapped to the free fonts with the same metrics.
_LATIN_SUBSTITUTES = {
    "arial": "Liberation Sans",
    "helvetica": "Liberation Sans",
    "helvetica neue": "Liberation Sans",
    "arial nova": "Liberation Sans",
    "times new roman": "Liberation Serif",
    "times": "Liberation Serif",
    "courier new": "Liberation Mono",
    "calibri": "Carlito",
    "calibri light": "Carlito",
    "cambria": "Caladea",
}
_SERIF_HINTS = ("mincho", "明朝", "serif", "song", "batang", "ming")
_SEARCH_DIRS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".fonts",
    Path("/Library/Fonts"),
    Path("/System/Library/Fonts"),
)
# File names of the fonts the setup installs, by family and weight.
_KNOWN_FILES = {
    ("Liberation Sans", False): ["LiberationSans-Regular.ttf"],
    ("Liberation Sans", True): ["LiberationSans-Bold.ttf"],
    ("Liberation Serif", False): ["LiberationSerif-Regular.ttf"],
    ("Liberation Serif", True): ["LiberationSerif-Bold.ttf"],
    ("Liberation Mono", False): ["LiberationMono-Regular.ttf"],
    ("Liberation Mono", True): ["LiberationMono-Bold.ttf"],
    ("Carlito", False): ["Carlito-Regular.ttf"],
    ("Carlito", True): ["Carlito-Bold.ttf"],
    ("Caladea", False): ["Caladea-Regular.ttf"],
    ("Caladea", True): ["Caladea-Bold.ttf"],
    ("Noto Sans CJK JP", False): ["NotoSansCJK-Regular.ttc", "NotoSansCJKjp-Regular.otf"],
    ("Noto Sans CJK JP", True): ["NotoSansCJK-Bold.ttc", "NotoSansCJKjp-Bold.otf"],
    ("Noto Serif CJK JP", False): ["NotoSerifCJK-Regular.ttc"],
    ("Noto Serif CJK JP", True): ["NotoSerifCJK-Bold.ttc"],
}
DEFAULT_LATIN = "Liberation Sans"
DEFAULT_EA = "Noto Sans CJK JP"
# Emoji (and characters no font here can measure) are counted this wide.
_MISSING_ADVANCE = 1.25 * UNITS


def is_east_asian(char: str) -> bool:
    """Whether PowerPoint sets `char` in the East Asian (`a:ea`) typeface."""
    code = ord(char)
    if code < 0x2E80:
        # Latin, Greek, Cyrillic, general punctuation: Latin font, except the
        # few symbols Japanese text uses as full-width.
        return code in (0x2018, 0x2019, 0x201C, 0x201D, 0x2026, 0x203B, 0x25CB, 0x25CF)
    if 0xFF61 <= code <= 0xFFDC:  # half-width katakana and Hangul
        return True
    return unicodedata.east_asian_width(char) in ("W", "F")


@dataclass
class FontFace:
    """One font file (and face index in a collection) with its per-character advances."""

    path: Path
    index: int
    family: str
    line_height: float  # ascent + descent, in ems
    _font: ImageFont.FreeTypeFont = field(repr=False)
    _advances: dict[str, float] = field(default_factory=dict, repr=False)

    def advance(self, char: str) -> float:
        """Advance width of `char` in 1/1000 em."""
        cached = self._advances.get(char)
        if cached is None:
            cached = self._measure(char)
            self._advances[char] = cached
        return cached

    def _measure(self, char: str) -> float:
        if unicodedata.category(char) in ("Mn", "Me", "Cf"):
            return 0.0  # combining marks, joiners and variation selectors take no width
        if _is_emoji(char):
            return _MISSING_ADVANCE  # set in the viewer's emoji font, wider than 1 em
        try:
            return float(self._font.getlength(char))
        except (OSError, ValueError):
            return _MISSING_ADVANCE


def _is_emoji(char: str) -> bool:
    code = ord(char)
    return 0x1F000 <= code <= 0x1FAFF or 0x2600 <= code <= 0x27BF


def _face_index(path: Path, family: str) -> int:
    """Index of `family` inside a .ttc collection (0 for plain files)."""
    if path.suffix.lower() != ".ttc":
        return 0
    for index in range(32):
        try:
            name, _style = ImageFont.truetype(str(path), 10, index=index).getname()
        except OSError:
            break
        if name == family:
            return index
    return 0


def _load_face(path: Path, family: str) -> FontFace:
    index = _face_index(path, family)
    font = ImageFont.truetype(str(path), UNITS, index=index)
    ascent, descent = font.getmetrics()
    line_height = max((ascent + descent) / UNITS, 1.15)
    return FontFace(path=path, index=index, family=family, line_height=line_height, _font=font)


def _find_file(names: list[str]) -> Path | None:
    for directory in _SEARCH_DIRS:
        if not directory.is_dir():
            continue
        for name in names:
            hits = sorted(directory.rglob(name))
            if hits:
                return hits[0]
    return None


def _fc_match(typeface: str, bold: bool, exact: bool = True) -> Path | None:
    """Ask fontconfig for an installed file of `typeface` (exact family only, unless
    `exact` is False: then its substitute)."""
    if not shutil.which("fc-match"):
        return None
    pattern = f"{typeface}:style={'Bold' if bold else 'Regular'}"
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{family}\n%{file}", pattern],
            capture_output=True, text=True, timeout=5, check=False,
        ).stdout.splitlines()
    except (OSError, subprocess.SubprocessError):
        return None
    if len(out) == 2 and (not exact or typeface.lower() in [
            f.strip().lower() for f in out[0].split(",")]):
        return Path(out[1])
    return None


def _family_for(typeface: str, east_asian: bool) -> str:
    key = typeface.strip().lower()
    if east_asian:
        return "Noto Serif CJK JP" if any(h in key for h in _SERIF_HINTS) else DEFAULT_EA
    return _LATIN_SUBSTITUTES.get(key, typeface.strip() or DEFAULT_LATIN)


@functools.lru_cache(maxsize=64)
def face(typeface: str, *, bold: bool = False, east_asian: bool = False) -> FontFace:
    """The font face that measures `typeface` (a name from a deck or design).

    Raises `FontError` when neither it nor a substitute is installed; the
    project's setup installs Liberation, Carlito, Caladea and Noto CJK.
    """
    from django.conf import settings

    override = getattr(settings, "FONT_EA_FILE" if east_asian else "FONT_LATIN_FILE", "")
    if override:
        return _load_face(Path(override), typeface)
    family = _family_for(typeface, east_asian)
    path = _find_file(_KNOWN_FILES.get((family, bold), [])) or _fc_match(family, bold)
    if path is None and not east_asian:  # not installed: measure with the face that renders
        path = _fc_match(family, bold, exact=False)  # it here (LibreOffice asks fontconfig too)
    if path is None and family != (DEFAULT_EA if east_asian else DEFAULT_LATIN):
        fallback = DEFAULT_EA if east_asian else DEFAULT_LATIN
        family, path = fallback, _find_file(_KNOWN_FILES[(fallback, bold)])
    if path is None:
        raise FontError(
            f"no font file to measure '{typeface}' ({'East Asian' if east_asian else 'Latin'}); "
            "install fonts-liberation2 and fonts-noto-cjk (bin/setup does) or set "
            "FONT_LATIN_FILE / FONT_EA_FILE"
        )
    return _load_face(path, family)


@dataclass(frozen=True)
class TextStyle:
    """What measuring needs of a run: the two typefaces, bold, and the size in points."""

    latin: str
    ea: str
    size_pt: float
    bold: bool = False

    def at(self, size_pt: float) -> TextStyle:
        return TextStyle(self.latin, self.ea, size_pt, self.bold)


class Measurer:
    """Measures strings in points for one (latin, ea, bold) pairing; size-independent."""

    def __init__(self, latin: str, ea: str, bold: bool = False):
        self.latin_face = face(latin, bold=bold)
        self.ea_face = face(ea, bold=bold, east_asian=True)

    def width_em(self, text: str) -> float:
        """Width of `text` in ems (multiply by the size in points to get points)."""
        total = 0.0
        latin, ea = self.latin_face, self.ea_face
        for char in text:
            total += ea.advance(char) if is_east_asian(char) else latin.advance(char)
        return total / UNITS

    def line_height_em(self, text: str) -> float:
        """Single line spacing for a line of `text`, in ems."""
        if any(is_east_asian(char) for char in text):
            return max(self.ea_face.line_height, self.latin_face.line_height)
        return self.latin_face.line_height


@functools.lru_cache(maxsize=64)
def measurer(latin: str, ea: str, bold: bool = False) -> Measurer:
    """A cached `Measurer` for the typeface pair."""
    return Measurer(latin, ea, bold)
