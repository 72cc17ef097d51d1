"""Colours with meaning in learned designs: each template gets a positive, a negative, a
neutral and a highlight of its own, told apart and readable on its slides; and a largest
body size text may grow to."""

from __future__ import annotations

import pytest

from generator.colours import contrast_ratio, distance, hue
from generator.design import Palette
from generator.learning import learn
from generator.learning.learned_design import body_max, design_for_asset, meaning_colors
from tests.conftest import CORPUS
from tests.sharedfiles import use_local_files

pytestmark = pytest.mark.django_db
TEMPLATES = sorted((CORPUS / "templates").glob("*.pptx"))


@pytest.fixture(autouse=True)
def local_files(settings, tmp_path):
    use_local_files(settings, tmp_path / "data")
    settings.PREVIEWS_ENABLED = False


def is_green(color: str) -> bool:
    degrees, _, saturation = hue(color)
    return 75 <= degrees <= 170 and saturation >= 0.3


def is_red(color: str) -> bool:
    degrees, _, saturation = hue(color)
    return (degrees >= 340 or degrees <= 20) and saturation >= 0.3


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.stem.rsplit("__", 1)[-1])
def test_each_template_has_its_own_readable_meaning_colours(template):
    design = design_for_asset(learn.learn_design(path=template))
    palette = design.palette
    roles = {role: getattr(palette, role) for role in ("positive", "negative", "neutral",
                                                        "highlight")}
    assert len(set(roles.values())) == 4, roles
    assert distance(palette.positive, palette.negative) >= 90
    assert distance(palette.neutral, palette.highlight) >= 90
    for role, color in roles.items():
        # a mark stands clear of the slide: theme accents at 2.5:1, anything moved at 3:1
        assert contrast_ratio(color, palette.background) >= 2.5, (role, color)
    assert is_green(palette.positive) and is_red(palette.negative), roles
    assert not is_green(palette.neutral) and not is_red(palette.neutral), roles
    # a theme that has a green or a red uses its own
    greens = [c for c in palette.accents if is_green(c)]
    if greens and palette.positive not in greens:
        assert contrast_ratio(palette.positive, palette.background) >= 3.0
    # the RAG dots of a table show the same meanings
    assert (palette.rag_green, palette.rag_red) == (palette.positive, palette.negative)
    # text may grow past the body size, up to a sane size
    assert design.type.body <= design.type.body_max <= 24


def test_a_theme_without_green_or_red_gets_built_in_ones_readable_on_its_background():
    default = Palette()
    blues = ["4472C4", "5B9BD5", "264478", "A5A5A5", "FFC000", "9E480E"]
    dark = "1B1F2A"
    meanings = meaning_colors(blues, default, background=dark, ink="FFFFFF")
    assert is_green(meanings.positive) and is_red(meanings.negative)
    for color in meanings:
        assert contrast_ratio(color, dark) >= 3.0, color
    # neutral: the first accent that is neither and reads; highlight apart from it
    assert meanings.neutral == "4472C4"
    assert distance(meanings.highlight, meanings.neutral) >= 90


def test_a_pink_is_not_taken_for_red_when_a_truer_red_is_there():
    default = Palette()
    meanings = meaning_colors(["B31166", "E33D6F", "E45F3C", "E9943A", "9B6BF2", "D53DD0"],
                              default)
    assert meanings.negative == "E45F3C"
    assert meanings.neutral == "B31166"  # the brand's own colour, apart from the red
    assert meanings.positive == default.rag_green


def test_body_max_follows_the_template_within_bounds():
    assert body_max(18, 28) == 22.5  # Office's 28 pt bullets: a quarter above the body
    assert body_max(16, 20) == 20
    assert body_max(20, 14) == 20  # never below the body
    assert body_max(16, None) == 20  # no template size: the built-in largest
