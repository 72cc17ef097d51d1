"""Design: what the renderer needs to know about a house style.

A `Design` is slide size, theme colours, Latin and East Asian typefaces, the
grid (margins and the frames for tracker, action title, body, source and page
number), type sizes, chart styling and which template layout serves which
slide kind.  It comes from the built-in default (`default_design()`, drawn in
code) or from a learned `DesignAsset` (`generator.learning.learn`), whose file is then
the base template.

Lengths are `pptx.util.Length` values (EMU); learned patterns store plain EMU
integers in JSON and are rebuilt here.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from pptx.util import Emu, Inches, Pt

from generator import colours


@dataclass(frozen=True)
class Box:
    """A rectangle on the slide, in EMU."""

    left: int
    top: int
    width: int
    height: int

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height

    def contains(self, x: int, y: int) -> bool:
        return self.left <= x <= self.right and self.top <= y <= self.bottom

    def overlaps(self, other: Box) -> bool:
        """Whether the two boxes share some area (touching edges do not)."""
        return (self.left < other.right and other.left < self.right
                and self.top < other.bottom and other.top < self.bottom)

    def columns(self, count: int, gutter: int) -> list[Box]:
        """`count` side-by-side boxes with `gutter` between them."""
        width = (self.width - gutter * (count - 1)) // count
        return [
            Box(self.left + i * (width + gutter), self.top, width, self.height)
            for i in range(count)
        ]

    def rows(self, count: int, gutter: int) -> list[Box]:
        """`count` stacked boxes with `gutter` between them."""
        height = (self.height - gutter * (count - 1)) // count
        return [
            Box(self.left, self.top + i * (height + gutter), self.width, height)
            for i in range(count)
        ]

    def take_left(self, width: int, gutter: int = 0) -> tuple[Box, Box]:
        """(the left `width`, the rest after `gutter`)."""
        left = Box(self.left, self.top, width, self.height)
        rest = Box(self.left + width + gutter, self.top, self.width - width - gutter, self.height)
        return left, rest

    def take_top(self, height: int, gutter: int = 0) -> tuple[Box, Box]:
        """(the top `height`, the rest after `gutter`)."""
        top = Box(self.left, self.top, self.width, height)
        rest = Box(self.left, self.top + height + gutter, self.width, self.height - height - gutter)
        return top, rest

    def inset(self, dx: int, dy: int | None = None) -> Box:
        dy = dx if dy is None else dy
        return Box(self.left + dx, self.top + dy, self.width - 2 * dx, self.height - 2 * dy)

    def to_json(self) -> list[int]:
        return [int(self.left), int(self.top), int(self.width), int(self.height)]

    @classmethod
    def from_json(cls, values: list[int]) -> Box:
        return cls(*(int(v) for v in values))


@dataclass(frozen=True)
class Palette:
    """Theme colours as 'RRGGBB' hex, plus the roles the renderer draws with."""

    dk1: str = "1E2A36"
    lt1: str = "FFFFFF"
    dk2: str = "16324F"
    lt2: str = "EEF1F4"
    accent1: str = "16324F"  # deep navy: primary series, section backgrounds
    accent2: str = "2F7F6F"  # teal green
    accent3: str = "4A6FA5"  # steel blue
    accent4: str = "C29A48"  # ochre
    accent5: str = "8A9AA9"  # slate grey
    accent6: str = "A4473C"  # brick
    hlink: str = "1F5F99"
    folHlink: str = "6B4C9A"
    # Roles (derived defaults; learned designs may override).
    muted: str = "5E6B78"  # secondary text: tracker, source, axis labels
    rule: str = "C5CDD5"  # hairlines and dividers
    highlight: str = "2F7F6F"
    rag_red: str = "C0392B"
    rag_amber: str = "E0A526"
    rag_green: str = "2E8B57"
    # Colours with meaning, used the same way by every chart and table.
    positive: str = "2F7F6F"  # increases, good news
    negative: str = "A4473C"  # decreases, bad news
    neutral: str = "16324F"  # totals, the plain series
    # What a slide really shows (a learned template's colour map and background may make
    # dk1/lt1 the wrong way round): empty means dk1 for text, lt1 for the background, dk2
    # for titles.
    ink: str = ""
    paper: str = ""
    title_ink: str = ""
    tracker_ink: str = ""  # the tracker sits by the title, on whatever is behind it
    heading_ink: str = ""  # big numbers, quotes, column headings: on the background

    @property
    def heading(self) -> str:
        return self.heading_ink or self.dk2

    @property
    def tracker(self) -> str:
        return self.tracker_ink or self.muted

    @property
    def accents(self) -> list[str]:
        return [self.accent1, self.accent2, self.accent3, self.accent4, self.accent5, self.accent6]

    @property
    def text(self) -> str:
        return self.ink or self.dk1

    @property
    def background(self) -> str:
        return self.paper or self.lt1

    @property
    def highlight_ink(self) -> str:
        """The highlight as text on the slide (agenda and summary numbers, the sticker): a light
        learned accent is moved towards the text colour until it reads at 4.5:1."""
        return colours.readable(self.highlight, self.background, self.text)

    @property
    def title(self) -> str:
        """Action titles and headings: the brand's dark colour where it reads."""
        return self.title_ink or self.dk2

    def theme_colors(self) -> dict[str, str]:
        """The twelve theme slots (clrScheme order)."""
        names = ["dk1", "lt1", "dk2", "lt2", "accent1", "accent2", "accent3", "accent4",
                 "accent5", "accent6", "hlink", "folHlink"]
        return {name: getattr(self, name) for name in names}


@dataclass(frozen=True)
class Fonts:
    """Typefaces written on every run: `a:latin` and `a:ea`, for headings and body."""

    latin_major: str = "Arial"
    latin_minor: str = "Arial"
    ea_major: str = "Noto Sans CJK JP"
    ea_minor: str = "Noto Sans CJK JP"


@dataclass(frozen=True)
class Typography:
    """Type sizes in points: the largest each role starts at and the smallest it may shrink to."""

    title: float = 24
    title_min: float = 18
    title_max_lines: int = 2
    body: float = 16
    body_min: float = 12
    body_max: float = 20  # text grows up to this when the slide has room to spare
    small: float = 9  # source, footnote, page number
    tracker: float = 10
    label: float = 12  # diagram and chart labels
    label_min: float = 10
    cover_title: float = 36
    cover_title_min: float = 24
    section_title: float = 32
    kpi_value: float = 40
    min_font: float = 9  # lint: nothing on a slide is set smaller


@dataclass(frozen=True)
class Frames:
    """Where the furniture goes on a content slide."""

    tracker: Box
    title: Box
    body: Box
    source: Box
    page_number: Box
    title_rule_y: int | None = None  # a hairline under the title, if the design has one


@dataclass(frozen=True)
class ChartStyle:
    gap_width: int = 60
    overlap_stacked: int = 100
    gridlines: bool = False
    data_labels: bool = True
    legend_position: str = "bottom"  # bottom | right | top | none


@dataclass(frozen=True)
class Design:
    """A house style, complete enough to draw every slide kind."""

    name: str
    slide_width: int
    slide_height: int
    palette: Palette
    fonts: Fonts
    type: Typography
    frames: Frames
    chart: ChartStyle = field(default_factory=ChartStyle)
    # The base template: None builds the default one in code.
    template_path: Path | None = None
    # Slide kind -> layout name in the template ("*" is the fallback for content slides).
    layouts: dict[str, str] = field(default_factory=dict)
    gutter: int = int(Inches(0.25))
    asset_id: int | None = None
    # Layout name -> placeholder idx -> the text colour that reads on what the template
    # shows behind that placeholder (learned designs; empty: the template's own colours).
    placeholder_colors: dict[str, dict[str, str]] = field(default_factory=dict)
    # The area of content slides clear of the template's graphics (None: the whole slide).
    free_area: Box | None = None
    # The template shows the slide number itself (a badge on its content layout).
    template_numbers_pages: bool = False

    @property
    def slide_box(self) -> Box:
        return Box(0, 0, self.slide_width, self.slide_height)

    def placeholder_color(self, layout: str, idx: int) -> str | None:
        return self.placeholder_colors.get(layout, {}).get(str(idx))

    def layout_name(self, kind: str) -> str | None:
        return self.layouts.get(kind) or self.layouts.get("*")

    def with_changes(self, **changes) -> Design:
        return replace(self, **changes)


SLIDE_WIDTH = int(Inches(13.333))
SLIDE_HEIGHT = int(Inches(7.5))
MARGIN_X = int(Inches(0.5))


def default_frames(width: int = SLIDE_WIDTH, height: int = SLIDE_HEIGHT) -> Frames:
    """The built-in grid: 0.5" side margins, tracker, two-line title, body, source line."""
    content_width = width - 2 * MARGIN_X
    title = Box(MARGIN_X, int(Inches(0.55)), content_width, int(Inches(1.05)))
    body_top = int(Inches(1.85))
    source_top = height - int(Inches(0.62))
    return Frames(
        tracker=Box(MARGIN_X, int(Inches(0.22)), content_width, int(Inches(0.3))),
        title=title,
        body=Box(MARGIN_X, body_top, content_width, source_top - body_top - int(Inches(0.1))),
        source=Box(MARGIN_X, source_top, content_width - int(Inches(1.0)), int(Inches(0.42))),
        page_number=Box(width - MARGIN_X - int(Inches(0.8)), height - int(Inches(0.45)),
                        int(Inches(0.8)), int(Inches(0.3))),
        title_rule_y=int(Inches(1.65)),
    )


DEFAULT_LAYOUTS = {
    "cover": "Title Slide",
    "section": "Section Header",
    "appendix": "Section Header",
    "*": "Title Only",
}


def default_design() -> Design:
    """The built-in design: 16:9, a restrained navy/teal palette, Arial + Noto Sans CJK JP."""
    return Design(
        name="bcgslides default",
        slide_width=SLIDE_WIDTH,
        slide_height=SLIDE_HEIGHT,
        palette=Palette(),
        fonts=Fonts(),
        type=Typography(),
        frames=default_frames(),
        layouts=dict(DEFAULT_LAYOUTS),
    )


def pt(value: float) -> int:
    """Points to EMU (an int, as python-pptx lengths are)."""
    return int(Pt(value))


def emu(value: int) -> Emu:
    return Emu(int(value))
