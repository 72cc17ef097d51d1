"""What a slide picture says about its surface: the plain background and the free area.

Pure picture analysis (Pillow only), shared by the layout probe at learn time
and by the rendered lint: a picture is cut into a coarse grid of cells; the
background is the biggest connected group of plain cells whose colour
changes only gently from one to the next (so gradients stay background, while
the sharp edge of a band, a logo or a photo stops it); everything else is
the template's graphics.  The free area is the largest rectangle of
background cells.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from PIL import Image

from generator.colours import contrast_ratio, hex_of

GRID_COLUMNS = 64
PLAIN_SPREAD = 26  # luminance spread (0..255) inside a cell still counted as plain
GRADIENT_STEP = 14  # colour distance between neighbouring cells still one surface


@dataclass(frozen=True)
class Surface:
    """A picture's background analysis on a `columns` x `rows` grid."""

    columns: int
    rows: int
    background: str  # 'RRGGBB', the seed colour of the background region
    plain: list[list[bool]]  # [row][column]: background cell

    def free_cells(self) -> tuple[int, int, int, int]:
        """(column, row, columns, rows) of the largest all-background rectangle."""
        return largest_rectangle(self.plain)

    def free_fraction(self) -> tuple[float, float, float, float]:
        """The free area as fractions of the picture (left, top, width, height)."""
        c, r, w, h = self.free_cells()
        return c / self.columns, r / self.rows, w / self.columns, h / self.rows

    def graphics_share(self, left: float, top: float, width: float, height: float) -> float:
        """The share of the cells under a box (fractions of the picture) that are graphics."""
        c0, c1 = int(left * self.columns), int(-(-(left + width) * self.columns // 1))
        r0, r1 = int(top * self.rows), int(-(-(top + height) * self.rows // 1))
        c0, r0 = max(c0, 0), max(r0, 0)
        c1, r1 = min(c1, self.columns), min(r1, self.rows)
        cells = [(r, c) for r in range(r0, r1) for c in range(c0, c1)]
        if not cells:
            return 0.0
        return sum(1 for r, c in cells if not self.plain[r][c]) / len(cells)

    def mask_rows(self) -> list[str]:
        """The graphics mask as strings of '0' (background) and '1' (graphics), for JSON."""
        return ["".join("0" if cell else "1" for cell in row) for row in self.plain]

    @classmethod
    def from_mask(cls, rows: list[str], background: str) -> Surface:
        plain = [[ch == "0" for ch in row] for row in rows]
        return cls(columns=len(plain[0]) if plain else 0, rows=len(plain),
                   background=background, plain=plain)


def _distance(a, b) -> float:
    return max(abs(int(x) - int(y)) for x, y in zip(a, b))


def analyse(image: Image.Image, *, columns: int = GRID_COLUMNS) -> Surface:
    """The background region and graphics of a slide picture."""
    rgb = image.convert("RGB")
    width, height = rgb.size
    rows = max(round(columns * height / width), 1)
    means = rgb.resize((columns, rows), Image.Resampling.BOX).load()
    grey = rgb.convert("L")
    plain_cell = [[False] * columns for _ in range(rows)]
    for r in range(rows):
        for c in range(columns):
            box = (c * width // columns, r * height // rows,
                   max((c + 1) * width // columns, c * width // columns + 1),
                   max((r + 1) * height // rows, r * height // rows + 1))
            low, high = grey.crop(box).getextrema()
            plain_cell[r][c] = high - low <= PLAIN_SPREAD
    region = _largest_surface(means, plain_cell, columns, rows)
    if region is None:
        return Surface(columns, rows, hex_of(means[0, 0]), [[False] * columns for _ in range(rows)])
    background = _median_color([means[c, r] for r in range(rows) for c in range(columns)
                                if region[r][c]]) or hex_of(means[0, 0])
    return Surface(columns, rows, background, region)


def _largest_surface(means, plain, columns: int, rows: int) -> list[list[bool]] | None:
    """The biggest connected group of plain cells whose neighbours change colour only
    gently: the slide's background (a solid fill or a gradient)."""
    label = [[-1] * columns for _ in range(rows)]
    sizes: list[int] = []
    for r0 in range(rows):
        for c0 in range(columns):
            if not plain[r0][c0] or label[r0][c0] >= 0:
                continue
            number = len(sizes)
            label[r0][c0] = number
            queue, size = deque([(r0, c0)]), 0
            while queue:
                r, c = queue.popleft()
                size += 1
                for nr, nc in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)):
                    if 0 <= nr < rows and 0 <= nc < columns and label[nr][nc] < 0 \
                            and plain[nr][nc] \
                            and _distance(means[nc, nr], means[c, r]) <= GRADIENT_STEP:
                        label[nr][nc] = number
                        queue.append((nr, nc))
            sizes.append(size)
    if not sizes:
        return None
    biggest = max(range(len(sizes)), key=sizes.__getitem__)
    return [[label[r][c] == biggest for c in range(columns)] for r in range(rows)]


def largest_rectangle(cells: list[list[bool]]) -> tuple[int, int, int, int]:
    """(column, row, width, height) of the largest all-True rectangle (histogram method)."""
    if not cells:
        return 0, 0, 0, 0
    columns = len(cells[0])
    heights = [0] * columns
    best = (0, 0, 0, 0, 0)  # area, column, row, width, height
    for r, row in enumerate(cells):
        heights = [h + 1 if cell else 0 for h, cell in zip(heights, row)]
        stack: list[int] = []
        for c in range(columns + 1):
            current = heights[c] if c < columns else 0
            while stack and heights[stack[-1]] >= current:
                h = heights[stack.pop()]
                left = stack[-1] + 1 if stack else 0
                area = h * (c - left)
                if area > best[0]:
                    best = (area, left, r - h + 1, c - left, h)
            stack.append(c)
    return best[1:]


def _median_color(colors: list) -> str | None:
    if not colors:
        return None
    ordered = sorted(colors, key=lambda v: 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2])
    return hex_of(ordered[len(ordered) // 2])


@dataclass(frozen=True)
class Behind:
    """The colours behind a box: its median and its darkest and lightest (5th/95th
    luminance percentiles), so a text colour can be judged against the worst of them."""

    median: str
    dark: str
    light: str

    def worst_contrast(self, color: str) -> float:
        return min(contrast_ratio(color, self.median), contrast_ratio(color, self.dark),
                   contrast_ratio(color, self.light))

    def to_json(self) -> dict:
        return {"median": self.median, "dark": self.dark, "light": self.light}

    @classmethod
    def from_json(cls, data: dict) -> Behind:
        return cls(data["median"], data["dark"], data["light"])

    @classmethod
    def plain(cls, color: str) -> Behind:
        return cls(color, color, color)


def behind(image: Image.Image, box: tuple[int, int, int, int]) -> Behind | None:
    """The colours of `image` inside `box` (pixels: left, top, right, bottom)."""
    rgb = image.convert("RGB")
    left, top, right, bottom = (max(box[0], 0), max(box[1], 0), min(box[2], rgb.width),
                                min(box[3], rgb.height))
    if right - left < 1 or bottom - top < 1:
        return None
    crop = rgb.crop((left, top, right, bottom))
    if crop.width * crop.height > 4096:  # a sample is enough
        scale = (4096 / (crop.width * crop.height)) ** 0.5
        crop = crop.resize((max(int(crop.width * scale), 1), max(int(crop.height * scale), 1)),
                           Image.Resampling.NEAREST)
    raw = crop.tobytes()  # RGB triples
    pixels = sorted((tuple(raw[i:i + 3]) for i in range(0, len(raw), 3)),
                    key=lambda v: 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2])
    count = len(pixels)
    return Behind(median=hex_of(pixels[count // 2]), dark=hex_of(pixels[int(count * 0.05)]),
                  light=hex_of(pixels[min(int(count * 0.95), count - 1)]))
