"""The Markdown outline reader: pandoc slide Markdown, our blocks, and errors by line."""

from __future__ import annotations

import pytest

from generator.errors import OutlineError, SpecError
from generator.outline import read_outline
from generator.spec import SLIDE_KINDS
from tests.conftest import CORPUS, REPO


def kinds(spec):
    return [slide.kind for slide in spec.slides]


def test_the_corpus_deck_reads_as_its_author_meant(corpus_markdown):
    spec = read_outline((CORPUS / "markdown" / "ja-ev-entry.md").read_text(encoding="utf-8"))
    assert spec.title == "国内EV市場への参入戦略" and spec.lang == "ja"
    assert kinds(spec) == ["cover", "executive_summary", "table", "two_column"]
    cover, summary, table, columns = spec.slides
    assert cover.subtitle == "取締役会向け討議資料"
    assert summary.points[2].text == "提携による早期参入が、単独参入より投資回収期間を2年短縮する"
    assert table.columns == ["年", "市場規模(兆円)"]
    assert [[c.text for c in row] for row in table.rows][-1] == ["2030", "3.2"]
    assert columns.left.heading == "単独参入" and columns.right.points[0].text == "NPV 210億円"


@pytest.mark.parametrize("name", ["every-kind.en.md", "every-kind.ja.md"])
def test_the_examples_cover_every_kind_and_chart_type(name):
    spec = read_outline((REPO / "examples" / name).read_text(encoding="utf-8"))
    assert set(kinds(spec)) == set(SLIDE_KINDS)
    charts = {slide.chart.type for slide in spec.slides if slide.kind == "chart"}
    assert charts == {"column", "bar", "stacked_column", "stacked_bar", "stacked100_column",
                      "stacked100_bar", "line", "pie", "doughnut", "waterfall", "scatter",
                      "bubble"}


def test_pandoc_slide_level_makes_higher_headings_sections():
    spec = read_outline("# Part one\n\n## First point\n\n- a\n\n## Second point\n\n- b\n\n"
                        "# Part two\n\n## Third point\n\ntext\n")
    assert kinds(spec) == ["section", "message", "message", "section", "message"]
    assert spec.title == "Part one"


def test_pandoc_title_block_and_rules_between_slides():
    spec = read_outline("% The deck\n% Ann Author\n% May 2026\n\n# One\n\n- a\n\n---\n\n"
                        "# Two\n\n- b\n")
    assert kinds(spec) == ["cover", "message", "message"]
    assert spec.slides[0].author == "Ann Author" and spec.slides[0].date == "May 2026"


def test_two_bullet_levels_and_deeper_levels_fold_in():
    spec = read_outline("# T\n\n- one\n  - one.a\n    - one.a.i\n- two\n")
    first = spec.slides[0].points[0]
    assert first.text == "one" and first.sub == ["one.a", "– one.a.i"]


def test_notes_source_note_tracker_callout_and_emphasis():
    spec = read_outline("# The *market* grows {tracker=\"Market\"}\n\n- **bold** and `code`\n\n"
                        "**Act now**\n\nSource: METI\n\nNote: before tax\n\n::: notes\n"
                        "Say it slowly\n:::\n")
    slide = spec.slides[0]
    assert slide.title == "The market grows" and slide.tracker == "Market"
    assert slide.points[0].text == "bold and code" and slide.callout == "Act now"
    assert (slide.source, slide.footnote, slide.notes) == ("METI", "before tax", "Say it slowly")


def test_japanese_soft_breaks_join_without_spaces():
    spec = read_outline("# 市場は\n\n- 国内市場は\n  拡大する\n")
    assert spec.slides[0].points[0].text == "国内市場は拡大する"


def test_chart_csv_with_options():
    spec = read_outline("# T\n\n```chart waterfall totals=first,last unit=\"%\"\nStep,M\n"
                        "A,10\nB,-2\nC,8\n```\n\n- comment\n")
    chart = spec.slides[0].chart
    assert chart.type == "waterfall" and chart.totals == [0, 2] and chart.unit == "%"
    assert chart.series[0].values == [10.0, -2.0, 8.0]
    assert spec.slides[0].points[0].text == "comment"


def test_chart_yaml_body():
    spec = read_outline("# T\n\n```chart\ntype: line\ncategories: [2024, 2025]\nseries:\n"
                        "  - name: S\n    values: [1, 2]\n```\n")
    assert spec.slides[0].chart.categories == ["2024", "2025"]


def test_table_cells_read_harvey_balls_and_rag():
    spec = read_outline("# T\n\n| a | b | c |\n|---|---|---|\n| x | ◕ | [R] late |\n"
                        "| y | (2) | 🟢 fine |\n")
    rows = spec.slides[0].rows
    assert rows[0][1].harvey == 3 and rows[1][1].harvey == 2
    assert (rows[0][2].rag, rows[0][2].text) == ("red", "late")
    assert rows[1][2].rag == "green"


def test_next_steps_from_a_table_header():
    spec = read_outline("# T\n\n| アクション | 担当 | 期限 |\n|---|---|---|\n| 承認 | 社長 | 12月 |\n")
    assert spec.slides[0].kind == "next_steps"
    assert spec.slides[0].actions[0].owner == "社長"


def test_tree_timeline_process_kpi_growth_share_blocks():
    text = ("# T1\n\n```tree\nRoot\n  A\n    A1\n  B\n```\n\n"
            "# T2\n\n```timeline\nQ1 | Start | detail\nQ2: End\n```\n\n"
            "# T3\n\n```process\nOne: a | b\nTwo\n```\n\n"
            "# T4\n\n```kpi\n10% | Growth | +2pt\n5 | Count\n```\n\n"
            "# T5\n\n```growth-share growth_threshold=12\nname,growth,share,revenue\nX,20,2,50\n```\n")
    tree, timeline, process, kpi, gs = read_outline(text).slides
    assert [c.text for c in tree.root.children] == ["A", "B"] and tree.root.children[0].children[0].text == "A1"
    assert timeline.milestones[1].label == "End" and timeline.milestones[0].detail == "detail"
    assert process.steps[0].detail == ["a", "b"] and process.steps[1].title == "Two"
    assert kpi.metrics[0].delta == "+2pt" and kpi.metrics[0].trend == "up"
    assert gs.growth_threshold == 12 and gs.items[0].relative_share == 2


def test_quote_with_attribution():
    spec = read_outline("# T\n\n> Range matters most.\n> — A dealer\n")
    assert spec.slides[0].kind == "quote"
    assert (spec.slides[0].quote, spec.slides[0].attribution) == ("Range matters most.",
                                                                   "A dealer")


def test_images_resolve_against_the_outline_folder(tmp_path):
    spec = read_outline("# T\n\n- a\n\n![A chart](pics/c.png)\n", base_dir=tmp_path)
    assert spec.slides[0].image.path == "pics/c.png" and spec.slides[0].image.alt == "A chart"


# -- bad input: every error names the line ---------------------------------------------------
def error_of(text: str) -> str:
    with pytest.raises((OutlineError, SpecError)) as info:
        read_outline(text)
    return str(info.value)


@pytest.mark.parametrize("text,expected", [
    ("", "line 1: the outline is empty"),
    ("   \n\n", "line 1: the outline is empty"),
    ("Just a paragraph\n", "line 1: this slide has no title"),
    ("# T\n\n```chart\ntype: [broken\n```\n", "line 4: invalid YAML"),
    ("# T\n\n```chart column\nYear,A\n2024,x\n```\n", "line 5: 'A': 'x' is not a number"),
    ("# T\n\n```chart column\nYear,A,B\n2024,1\n```\n", "line 5: this row has 2 cells"),
    ("# T\n\n```chart\n\n```\n", "line 3: the ```chart block is empty"),
    ("# T\n\n```tree\nA\nB\n```\n", "line 5: an issue tree has one root"),
    ("# T\n\n```growth-share\nname,growth\nX,1\n```\n", "needs a 'share' column"),
    ("# T {.mindmap}\n\n- a\n", "line 1: unknown slide class '.mindmap'"),
    ("# T\n\n```matrix\nx: a\n```\n\n- stray\n", "line 1: a matrix slide takes no bullets"),
    ("# T\n\n```kpi\n1\n```\n", "line 4: a KPI is 'value | label | change'"),
])
def test_malformed_input_names_the_line(text, expected):
    assert expected in error_of(text)


def test_spec_errors_are_mapped_to_the_line_of_their_construct():
    # issue 13: a wrong chart type is reported at the chart's fence, not at the heading
    message = error_of("---\ntitle: D\n---\n\n# Fine\n\n- a\n\n# Bad chart\n\n```chart radar\n"
                       "a,b\nx,1\n```\n")
    assert message.startswith("line 11: unknown chart type 'radar'")
    matrix = error_of("# Where we play\n\n```matrix\nx: a\ny: b\nquadrants: [a]\n```\n")
    assert "line 3 (slide 1, matrix): quadrants: List should have at least 4 items after validation, not 1" in matrix
    title = error_of("# " + "t" * 301 + "\n\n- a\n")
    assert "line 1 (slide 1, message): title" in title


def test_zero_and_ten_thousand_chart_points_are_refused_with_the_line():
    empty = error_of("# T\n\n```chart column\nYear,A\n```\n")
    assert "line 4: the chart has no data rows" in empty
    rows = "\n".join(f"{i},{i}" for i in range(10000))
    huge = error_of(f"# T\n\n```chart line\nx,y\n{rows}\n```\n")
    assert "line 3 (slide 1, chart): chart.categories" in huge and "at most 1000" in huge


def test_a_500_slide_outline_is_read_and_501_is_refused():
    many = "".join(f"# Slide {i} makes its point\n\n- point\n\n" for i in range(500))
    assert len(read_outline(many).slides) == 500
    assert "at most 500" in error_of(many + "# One more\n\n- x\n")


def test_a_400_character_title_names_its_line():
    message = error_of("# Fine\n\n- a\n\n# " + "x" * 400 + "\n\n- b\n")
    assert "line 5 (slide 2, message): title" in message


def test_control_characters_name_their_line():
    message = error_of("# Fine\n\n- a\n\n# Bell\n\n- ring\x07\n")
    assert message.startswith("line 7: ") and "U+0007" in message


def test_emoji_are_fine():
    spec = read_outline("# Growth 🚀\n\n- up 📈\n")
    assert spec.slides[0].points[0].text == "up 📈"
