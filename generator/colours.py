"""Colour maths on 'RRGGBB' strings: channels, luminance, contrast, mixing, readable text.

A leaf (the standard library only): the renderer picks readable text colours
with it, lint and the rendered lint judge contrast with it, learning derives
palettes with it, and the OOXML reader applies a theme colour's lightness
modifiers with it.
"""

from __future__ import annotations

import colorsys
import functools

WCAG_BODY = 4.5  # contrast ratio body text needs (WCAG 2 AA)


def hex_of(rgb) -> str:
    """'RRGGBB' of an (r, g, b[, a]) tuple of 0..255 values (a pixel)."""
    return "".join(f"{int(v):02X}" for v in rgb[:3])


def distance(a: str, b: str) -> int:
    """Sum of the channel differences of two colours (0..765)."""
    return sum(abs(int(a[i:i + 2], 16) - int(b[i:i + 2], 16)) for i in (0, 2, 4))


@functools.lru_cache(maxsize=65536)
def relative_luminance(hex_color: str) -> float:
    """WCAG 2 relative luminance of an 'RRGGBB' colour."""
    values = [int(hex_color[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in values]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio between two 'RRGGBB' colours (1..21)."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def mix(color: str, other: str, share: float) -> str:
    """`color` moved `share` (0..1) of the way towards `other`, both 'RRGGBB'."""
    return "".join(
        f"{round(int(color[i:i + 2], 16) * (1 - share) + int(other[i:i + 2], 16) * share):02X}"
        for i in (0, 2, 4))


def to_hls(hex_color: str) -> tuple[float, float, float]:
    """Hue, lightness and saturation (each 0..1) of an 'RRGGBB' colour."""
    r, g, b = (int(hex_color[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return colorsys.rgb_to_hls(r, g, b)


def from_hls(hue: float, lightness: float, saturation: float) -> str:
    """'RRGGBB' of a hue, lightness and saturation (each 0..1)."""
    r, g, b = colorsys.hls_to_rgb(hue, lightness, saturation)
    return "".join(f"{round(c * 255):02X}" for c in (r, g, b))


def hue(color: str) -> tuple[float, float, float]:
    """(hue in degrees, lightness, saturation) of an 'RRGGBB' colour."""
    h, lightness, s = to_hls(color)
    return h * 360, lightness, s


def text_color_on(fill: str, dark: str, light: str) -> str:
    """`dark` or `light`, whichever reads better on `fill`."""
    return dark if contrast_ratio(dark, fill) >= contrast_ratio(light, fill) else light


def best_on_all(options: list[str], backgrounds) -> str:
    """The option whose worst contrast over all of `backgrounds` is the best."""
    return max(options, key=lambda c: min(contrast_ratio(c, b) for b in backgrounds))


def readable(color: str, background: str, target: str, minimum: float = WCAG_BODY) -> str:
    """`color`, moved towards `target` just enough (tenths) to read at `minimum` on
    `background`; `target` itself when no step does."""
    if contrast_ratio(color, background) >= minimum:
        return color
    for step in range(1, 11):
        mixed = mix(color, target, step / 10)
        if contrast_ratio(mixed, background) >= minimum:
            return mixed
    return target
