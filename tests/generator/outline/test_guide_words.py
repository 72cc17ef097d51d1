"""Every outline error names the line of its construct and uses the syntax guide's words
(examples/outline-syntax.*.md), not the DeckSpec's internal names (issue 13)."""

from __future__ import annotations

import re

import pytest

from generator.errors import SpecError
from generator.outline import read_outline
from generator.outline.blocks import GUIDE_CHART_TYPES, GUIDE_OPTIONS
from generator.outline.reader import GUIDE_CLASSES
from tests.conftest import REPO

GUIDE = (REPO / "examples" / "outline-syntax.en.md").read_text(encoding="utf-8")


def error_of(text: str) -> str:
    with pytest.raises(SpecError) as info:
        read_outline(text)
    return str(info.value)


def test_the_listed_words_are_the_guides():
    for word in GUIDE_CHART_TYPES:
        assert f"`{word}`" in GUIDE
    for word in re.findall(r"\.([\w-]+)", GUIDE_CLASSES):
        assert word in GUIDE or word in ("message", "two-column", "table", "quote",
                                         "next-steps", "cover")
    for options in GUIDE_OPTIONS.values():
        for option in options:
            assert f"{option}=" in GUIDE


@pytest.mark.parametrize("text, expected", [
    ("# Costs\n\n- a\n\n```chart stackd\nx,y\na,1\n```\n",
     "line 5: unknown chart type 'stackd'; the types are: column, bar, stacked,"),
    ("# Costs\n\n```chart\nx,y\na,1\n```\n", "line 3: the chart needs a type after the word"),
    ("# Costs\n\n```chart column lables=no\nx,y\na,1\n```\n",
     "line 3: the ```chart block has no option 'lables='; its options are: unit=, x_title="),
    ("# Costs\n\n```chart column stacked\nx,y\na,1\n```\n",
     "line 3: the ```chart block has no option 'stacked'"),
    ("# KPIs\n\n```kpi size=big\n1 | a\n```\n", "line 3: the ```kpi block takes no options"),
    ("# Portfolio\n\n```growth-share\nname,grow,share,revenue\nA,1,1,1\n```\n",
     "line 4: the growth-share CSV needs a 'growth' column"),
    ("# Portfolio\n\n```growth-share\nname,growth,share,revenue\nA,x,1,1\n```\n",
     "line 5: growth: 'x' is not a number"),
    ("# Where we play\n\n```matrix\nx: {lab: Capability}\ny: b\nquadrants: [a, b, c, d]\n```\n",
     "line 3 (slide 1, matrix): x.label"),
    ("# Title {.executive_sumary}\n\n- a\n",
     "line 1: unknown slide class '.executive_sumary'; the classes are: .agenda, .summary"),
])
def test_errors_name_the_construct_in_the_guides_words(text, expected):
    message = error_of(text)
    assert expected in message
    for internal in ("stacked_column", "market_growth", "x_axis", "data_labels", "next_steps"):
        assert internal not in message


def test_a_wrong_chart_type_in_yaml_is_reported_at_the_fence():
    message = error_of("# Costs\n\n- a\n\n```chart\ntype: radar\ncategories: [a]\n"
                       "series: [{name: s, values: [1]}]\n```\n")
    assert message.startswith("line 5: unknown chart type 'radar'")


def test_the_options_the_guide_shows_are_accepted():
    read_outline('# Costs\n\n```chart column unit="JPY tn" x_title="Year" y_title="Size" '
                 'labels=no legend=yes number_format="0.0"\nYear,Size\n2024,1\n```\n')
    read_outline("# Steps\n\n```chart waterfall totals=first,last\nStep,M\n2025,12\nP,-2\n"
                 "2026,10\n```\n")
    read_outline("# Portfolio\n\n```growth-share growth_threshold=10 share_threshold=1\n"
                 "name,growth,share,revenue\nEV,25,1.8,120\n```\n")
