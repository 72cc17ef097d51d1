"""DeckSpec: validation names the slide and field; limits hold; the schema exports."""

from __future__ import annotations

import json

import pytest

from generator.errors import SpecError
from generator.spec import MAX_SLIDES, SLIDE_KINDS, json_schema, load_spec, load_spec_json


def deck(*slides, **extra):
    return {"title": "Deck", "slides": list(slides), **extra}


def message(title="A message", **extra):
    return {"kind": "message", "title": title, "points": ["one"], **extra}


def test_it_accepts_strings_as_points_and_cells():
    spec = load_spec(deck(
        {"kind": "message", "title": "T", "points": ["a", {"text": "b", "sub": ["c"]}]},
        {"kind": "table", "title": "T", "columns": ["x", "y"], "rows": [["1", 2.5]]},
    ))
    assert [p.text for p in spec.slides[0].points] == ["a", "b"]
    assert spec.slides[0].points[1].sub == ["c"]
    assert spec.slides[1].rows[0][1].text == "2.5"


def test_it_names_slide_number_kind_and_field():
    bad = deck(message(), {"kind": "chart", "title": "T", "chart": {
        "type": "column", "categories": ["a", "b"], "series": [{"name": "s", "values": [1]}]}})
    with pytest.raises(SpecError) as info:
        load_spec(bad)
    place, text = info.value.problems[0]
    assert place == "slide 2 (chart): chart"
    assert "1 values for 2 categories" in text


def test_it_lists_known_kinds_for_an_unknown_kind():
    with pytest.raises(SpecError) as info:
        load_spec(deck({"kind": "mindmap", "title": "x"}))
    assert "unknown slide kind 'mindmap'" in str(info.value)
    assert "growth_share" in str(info.value)


def test_it_refuses_control_characters_with_the_place():
    with pytest.raises(SpecError) as info:
        load_spec(deck(message(title="bell\x07")))
    assert "slide 1 (message): title" in str(info.value)
    assert "U+0007" in str(info.value)


def test_it_keeps_emoji_and_normalises_line_ends():
    spec = load_spec(deck(message(title="Growth 🚀 ahead", notes="a\r\nb")))
    assert spec.slides[0].title == "Growth 🚀 ahead"
    assert spec.slides[0].notes == "a\nb"


@pytest.mark.parametrize("count,ok", [(0, False), (1, True), (MAX_SLIDES, True),
                                      (MAX_SLIDES + 1, False)])
def test_it_bounds_the_slide_count(count, ok):
    data = deck(*[message(f"Slide {i}") for i in range(count)])
    if ok:
        assert len(load_spec(data).slides) == count
    else:
        with pytest.raises(SpecError):
            load_spec(data)


def test_it_refuses_a_400_character_title():
    with pytest.raises(SpecError) as info:
        load_spec(deck(message(title="x" * 400)))
    assert "slide 1 (message): title" in str(info.value)


@pytest.mark.parametrize("chart,needle", [
    ({"type": "column", "categories": [], "series": []}, "at least one category"),
    ({"type": "line", "categories": [str(i) for i in range(10000)],
      "series": [{"name": "s", "values": [1.0] * 10000}]}, "at most"),
    ({"type": "pie", "categories": ["a"], "series": [{"name": "s", "values": [-1]}]},
     "negatives"),
    ({"type": "waterfall", "categories": ["a", "b"], "series": [{"name": "s", "values": [1, 2]}],
      "totals": [5]}, "not category indexes"),
    ({"type": "bubble", "points": [{"x": 1, "y": 2}]}, "needs a 'size'"),
    ({"type": "scatter", "points": []}, "at least one point"),
])
def test_it_refuses_malformed_charts(chart, needle):
    with pytest.raises(SpecError) as info:
        load_spec(deck({"kind": "chart", "title": "T", "chart": chart}))
    assert needle in str(info.value)
    assert "slide 1 (chart)" in str(info.value)


def test_roadmap_bars_must_use_known_periods():
    slide = {"kind": "timeline", "title": "T", "periods": ["Q1", "Q2"],
             "lanes": [{"name": "Build", "bars": [{"label": "x", "start": "Q1", "end": "Q9"}]}]}
    with pytest.raises(SpecError) as info:
        load_spec(deck(slide))
    assert "'Q9' is not one of the periods" in str(info.value)


def test_issue_tree_is_bounded():
    leaves = [{"text": f"leaf {i}"} for i in range(17)]
    with pytest.raises(SpecError) as info:
        load_spec(deck({"kind": "issue_tree", "title": "T",
                        "root": {"text": "root", "children": leaves[:6]}},
                       {"kind": "issue_tree", "title": "T", "root": {
                           "text": "r", "children": [{"text": "a", "children": leaves[:6]},
                                                     {"text": "b", "children": leaves[6:12]},
                                                     {"text": "c", "children": leaves[12:]}]}}))
    assert "slide 2 (issue_tree)" in str(info.value)
    assert "16 leaves" in str(info.value)


def test_language_is_detected_from_the_titles():
    assert load_spec(deck(message("市場は拡大する"))).lang == "ja"
    assert load_spec(deck(message("The market grows"))).lang == "en"
    assert load_spec(deck(message("The market grows"), language="ja")).lang == "ja"


def test_json_errors_name_line_and_column():
    with pytest.raises(SpecError) as info:
        load_spec_json('{"title": "x",\n "slides": [}')
    assert str(info.value).startswith("line 2, column")


def test_the_schema_covers_every_kind():
    schema = json_schema()
    text = json.dumps(schema)
    for kind in SLIDE_KINDS:
        assert f'"const": "{kind}"' in text, kind
    assert schema["properties"]["slides"]["maxItems"] == MAX_SLIDES
