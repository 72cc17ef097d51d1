"""Text fitting: wrap as PowerPoint does, shrink to fit, report what cannot fit.

PowerPoint breaks Latin text at spaces and East Asian text between any two
characters, except where the Japanese line-breaking rules (kinsoku shori)
forbid it: no line starts with a closing bracket, a small kana or 。、, and
no line ends with an opening bracket.  `wrap` reproduces that, measured
with the real fonts (`generator.fonts`), so that a box sized here is the box
PowerPoint and LibreOffice draw.  A safety margin absorbs kerning and
rounding differences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from generator.fonts import is_east_asian, measurer

EMU_PER_PT = 12700
# Keep 4 % of the width spare: kerning, hinting and renderer rounding differ.
WIDTH_SAFETY = 0.96
# LibreOffice (the slide pictures, the rendered lint) puts about a quarter em between East
# Asian characters and Latin letters or digits ("autospace"; measured: 0.22-0.24 em);
# PowerPoint does not.  Counted, so that a mixed line fits in both.
AUTOSPACE_EM = 0.25
SIZE_STEP_PT = 1.0

# Kinsoku: characters that may not start a line, and that may not end one.
NO_LINE_START = set(
    "、。，．・：；？！゛゜ヽヾゝゞ々ー—‐〜～…‥"
    ")]}〕〉》」』】〙〗〟’”｝）］｠»"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ"
    ",.:;!?%‰℃°′″"
)
NO_LINE_END = set("([{〔〈《「『【〘〖〝‘“｛（［｟«$¥£€#＄￥")
_LATIN_WORD = re.compile(r"[^\s]+\s*|\s+")


@dataclass(frozen=True)
class Paragraph:
    """One paragraph to fit.

    `level` is the bullet level (0 = top); `bullet` whether it carries a bullet
    character; `indent` the left margin (marL) in EMU its lines wrap at;
    `size_scale` its size relative to the box's size (e.g. 0.9 for sub-bullets).
    """

    text: str
    level: int = 0
    bold: bool = False
    size_scale: float = 1.0
    bullet: bool = False
    indent: int = 0
    space_before_em: float = 0.0  # extra space above, in ems of the box's size


@dataclass(frozen=True)
class Frame:
    """The text area inside a box: width and height in EMU after insets."""

    width: int
    height: int
    line_spacing: float = 1.0  # multiple of single spacing


@dataclass
class FitResult:
    size_pt: float
    lines: list[list[str]] = field(default_factory=list)  # per paragraph
    height: int = 0  # EMU used
    broken_words: bool = False  # a word wider than the line was broken between letters

    @property
    def line_count(self) -> int:
        return sum(len(lines) for lines in self.lines)


def _tokens(text: str) -> list[str]:
    """Unbreakable pieces: Latin words with their trailing spaces, single CJK characters.

    Kinsoku is applied by gluing: a no-start character joins the token before
    it, a no-end character joins the token after it.
    """
    pieces: list[str] = []
    buffer = ""
    for char in text:
        if is_east_asian(char) or (ord(char) > 0x7F and (char in NO_LINE_START or char in NO_LINE_END)):
            if buffer:
                pieces.extend(_LATIN_WORD.findall(buffer))
                buffer = ""
            pieces.append(char)
        else:
            buffer += char
    if buffer:
        pieces.extend(_LATIN_WORD.findall(buffer))
    return _glue(pieces)


def _glue(pieces: list[str]) -> list[str]:
    tokens: list[str] = []
    carry = ""
    for piece in pieces:
        if tokens and not carry and piece[0] in NO_LINE_START:
            tokens[-1] += piece
            continue
        piece = carry + piece
        carry = ""
        if piece[-1] in NO_LINE_END and not piece[-1].isspace():
            carry = piece
            continue
        tokens.append(piece)
    if carry:
        tokens.append(carry)
    return tokens


def wrap(text: str, width_pt: float, size_pt: float, latin: str, ea: str, bold: bool = False
         ) -> list[str]:
    """Lines of `text` as PowerPoint would break them in a `width_pt`-wide frame."""
    return _wrap(text, width_pt, size_pt, latin, ea, bold)[0]


def _wrap(text: str, width_pt: float, size_pt: float, latin: str, ea: str, bold: bool
          ) -> tuple[list[str], bool]:
    """`wrap`, and whether a word wider than the line had to be broken."""
    measure = measurer(latin, ea, bold)
    if _mixed(text):
        measure = _Autospaced(measure)
    limit = width_pt * WIDTH_SAFETY / size_pt  # in ems
    lines: list[str] = []
    broken = [False]
    for hard_line in text.split("\n"):
        lines.extend(_wrap_line(hard_line, limit, measure, broken) or [""])
    return lines, broken[0]


def _mixed(text: str) -> bool:
    """Whether `text` has both East Asian characters and Latin letters or digits."""
    return not text.isascii() and any(c.isascii() and c.isalnum() for c in text)


def _script_change(a: str, b: str) -> bool:
    return ((is_east_asian(a) and b.isascii() and b.isalnum())
            or (is_east_asian(b) and a.isascii() and a.isalnum()))


class _Autospaced:
    """A measurer that adds `AUTOSPACE_EM` at each East Asian / Latin change."""

    def __init__(self, measure):
        self.measure = measure

    def width_em(self, text: str, before: str = "") -> float:
        changes = sum(1 for a, b in zip(before[-1:] + text, text[1:] if not before else text)
                      if _script_change(a, b))
        return self.measure.width_em(text) + AUTOSPACE_EM * changes

    def line_height_em(self, text: str) -> float:
        return self.measure.line_height_em(text)


def _wrap_line(text: str, limit_em: float, measure, broken: list[bool] | None = None
               ) -> list[str]:
    lines: list[str] = []
    current, current_width = "", 0.0
    spaced = isinstance(measure, _Autospaced)
    for token in _tokens(text):
        token_width = measure.width_em(token)
        # Trailing spaces hang past the margin in PowerPoint: don't count them.
        visible = measure.width_em(token.rstrip()) if token.endswith(" ") else token_width
        if spaced and current and _script_change(current[-1], token[0]):
            token_width += AUTOSPACE_EM
            visible += AUTOSPACE_EM
        if current and current_width + visible > limit_em:
            lines.append(current.rstrip())
            current, current_width = "", 0.0
            if token.isspace():
                continue
        if not current and visible > limit_em:
            pieces = _break_long(token, limit_em, measure)
            if broken is not None and len(pieces) > 1:
                broken[0] = True
            lines.extend(pieces[:-1])
            current = pieces[-1]
            current_width = measure.width_em(current)
            continue
        current += token
        current_width += token_width
    if current.strip() or not lines:
        lines.append(current.rstrip())
    return lines


def _break_long(token: str, limit_em: float, measure) -> list[str]:
    """A word wider than the line is broken between characters, as PowerPoint does."""
    lines, current = [], ""
    for char in token:
        if current and measure.width_em(current + char) > limit_em:
            lines.append(current)
            current = ""
        current += char
    lines.append(current)
    return lines


def measure_block(paragraphs: list[Paragraph], frame: Frame, size_pt: float, latin: str,
                  ea: str) -> FitResult:
    """Wrap every paragraph at `size_pt` and add up the height they take."""
    result = FitResult(size_pt=size_pt)
    height_pt = 0.0
    for index, para in enumerate(paragraphs):
        size = size_pt * para.size_scale
        width_pt = (frame.width - para.indent) / EMU_PER_PT
        lines, broken = _wrap(para.text, width_pt, size, latin, ea, para.bold)
        result.broken_words = result.broken_words or broken
        result.lines.append(lines)
        measure = measurer(latin, ea, para.bold)
        for line in lines:
            height_pt += size * measure.line_height_em(line or para.text) * frame.line_spacing
        if index:
            height_pt += para.space_before_em * size_pt
    result.height = int(height_pt * EMU_PER_PT)
    return result


def fit(paragraphs: list[Paragraph], frame: Frame, *, max_pt: float, min_pt: float,
        latin: str, ea: str, max_lines: int | None = None) -> FitResult | None:
    """The largest size from `max_pt` down to `min_pt` at which the text fits, with no
    word broken between letters if a size in that range keeps every word whole (a
    narrow box: "Negotiate" on three lines reads as "Neg / otiat / e").

    Returns None when it does not fit even at `min_pt` (the caller splits the
    content onto a continuation slide or reports the place).
    """
    size, broken = max_pt, None
    while size >= min_pt - 1e-6:
        result = measure_block(paragraphs, frame, size, latin, ea)
        too_many = max_lines is not None and result.line_count > max_lines
        if result.height <= frame.height and not too_many:
            if not result.broken_words:
                return result
            broken = broken or result  # the largest that fits, should no size keep words whole
        size -= SIZE_STEP_PT
    return broken


# -- using the space --------------------------------------------------------------------
# A spread block takes at most this share of its frame's height: what the renderers round
# (line heights, spacing in hundredths of a point) must never push the last line out.
SPREAD_FILL = 0.97
# The widest space between two top-level points, in ems of the block's size: wider, and a
# short statement of one or two points reads as scattered words (it is centred instead).
SPREAD_MAX_GAP_EM = 2.5
# A list of at least SPREAD_LIST_POINTS top-level points is the slide's content: it spans
# at least this share of its frame however short its points, the gap passing its cap.
SPREAD_LIST_SHARE = 0.72
SPREAD_LIST_POINTS = 3


@dataclass
class Spread:
    """A block laid out to use its frame: its paragraphs with the top-level gaps widened,
    the measurement at its size, and whether it falls short of its frame (the gap reached
    its cap, or there is no gap to widen), to be centred rather than pinned to the top."""

    paragraphs: list[Paragraph]
    result: FitResult
    gap_em: float
    short: bool

    @property
    def size_pt(self) -> float:
        return self.result.size_pt


def _top_gaps(paragraphs: list[Paragraph]) -> list[int]:
    """Indexes of the top-level paragraphs after the first: where the rhythm is set."""
    return [index for index, para in enumerate(paragraphs) if index and para.level == 0]


def _gap_for(paragraphs: list[Paragraph], height: int, frame: Frame, size_pt: float,
             max_gap_em: float, fill: float, is_list: bool) -> float:
    """The space before each top-level point (in ems) at which this block fills `fill` of
    its frame, within the cap (`is_list`, part of a list of several points: at least the
    list's share)."""
    gaps = _top_gaps(paragraphs)
    current = sum(paragraphs[i].space_before_em for i in gaps) / len(gaps)

    def gap_reaching(share: float) -> float:
        spare_em = (frame.height * share - height) / EMU_PER_PT / size_pt
        return current + max(spare_em, 0.0) / len(gaps)

    cap = max_gap_em
    if is_list:
        cap = max(cap, gap_reaching(SPREAD_LIST_SHARE))
    return min(cap, gap_reaching(fill))


def spread_blocks(blocks: list[tuple[list[Paragraph], Frame]], size_pt: float, *,
                  latin: str, ea: str, max_gap_em: float = SPREAD_MAX_GAP_EM,
                  fill: float = SPREAD_FILL) -> list[Spread]:
    """Widen the space before every top-level point, the same in every block, so that the
    fullest block reaches `fill` of its frame; sub-points keep their own small space (they
    stay with their point).  The gap stops at `max_gap_em`, except that a list of three or
    more points (counted over all the blocks: columns side by side make one list) still
    reaches `SPREAD_LIST_SHARE` of its frame.  Every block must already fit at `size_pt`
    with its own gaps (`fit`)."""
    measured = [measure_block(paragraphs, frame, size_pt, latin, ea)
                for paragraphs, frame in blocks]
    points = sum(len(_top_gaps(paragraphs)) + 1 for paragraphs, _frame in blocks if paragraphs)
    is_list = points >= SPREAD_LIST_POINTS
    gap = min((_gap_for(paragraphs, result.height, frame, size_pt, max_gap_em, fill, is_list)
               for (paragraphs, frame), result in zip(blocks, measured)
               if _top_gaps(paragraphs)), default=0.0)
    spreads = []
    for (paragraphs, frame), result in zip(blocks, measured):
        gaps = set(_top_gaps(paragraphs))
        widened = [replace(para, space_before_em=max(para.space_before_em, gap))
                   if index in gaps else para for index, para in enumerate(paragraphs)]
        if gaps:
            result = measure_block(widened, frame, size_pt, latin, ea)
        short = result.height < frame.height * fill - size_pt * EMU_PER_PT
        spreads.append(Spread(widened, result, gap if gaps else 0.0, short))
    return spreads
