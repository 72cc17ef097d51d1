"""A brief plus a PDF report and an XLSX data pack, drafted against the local OpenAI server."""

from __future__ import annotations

import copy

import pytest

from generator.llm import drafting
from generator.material import pack, review
from generator.material.intake import SourceFile
from generator.models import ApiUsage

from tests.generator.material import makefiles
from tests.generator.material.decks import BRIEF, DECK, STORYLINE

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def material():
    return pack.build([SourceFile("report.pdf", makefiles.market_report_pdf(pages=3)),
                       SourceFile("data.xlsx", makefiles.data_pack_xlsx())])


def test_brief_pdf_and_xlsx_become_a_traceable_deck_in_two_calls(fake_openai, material):
    fake_openai.reply(STORYLINE)
    fake_openai.reply(DECK)
    spec = drafting.draft_deck(brief=BRIEF, material=material)
    assert 12 <= len(spec.slides) <= 15
    requests = fake_openai.chat_requests()
    assert len(requests) == 2
    storyline_prompt = requests[0].body["messages"][1]["content"]
    assert "[P1] report.pdf, p. 1" in storyline_prompt and "[T1] data.xlsx, 'Revenue'" in storyline_prompt
    assert "Built from cells" in requests[1].body["messages"][1]["content"]

    revenue, shares = material.tables
    chart = spec.slides[3].chart  # series_in rows: one series per region, years as categories
    assert chart.categories == ["2022", "2023", "2024"]
    assert [s.name for s in chart.series] == ["Kanto", "Kansai", "Chubu"]
    assert [s.values for s in chart.series] == [row[1:4] for row in revenue.rows[1:4]]
    pie = spec.slides[4].chart
    assert pie.type == "pie" and pie.series[0].values == [0.31, 0.24, 0.18]
    table = spec.slides[6]
    assert table.columns == ["Region", "2022", "2023", "2024"]
    assert [c.text for c in table.rows[2]] == ["Chubu", "180", "188", "203.5"]

    assert spec.slides[2].source == "report.pdf p. 1"
    assert spec.slides[3].source == "data.xlsx 'Revenue' A1:D4"
    assert spec.slides[1].source == "report.pdf p. 1, p. 2"
    assert "P1" not in "".join(getattr(s, "source", "") for s in spec.slides)


def test_every_number_is_in_a_source_or_flagged(fake_openai, material):
    fake_openai.reply(STORYLINE)
    fake_openai.reply(DECK)
    spec = drafting.draft_deck(brief=BRIEF, material=material)
    flags = review.deck_flags(spec.model_dump(mode="json"), material, BRIEF)
    # "37%" of imports and the "2020" are in no source; "240 to 310" and "14 weeks" are
    assert flags == {3: ["2020", "37%"]}


def test_the_storyline_review_flags_invented_numbers(material):
    storyline = copy.deepcopy(STORYLINE)
    storyline["slides"][2]["title"] = "The market reached JPY 1.3tn and grows 18% a year"
    storyline["complication"] = "Growth of 21% a year outpaces our capacity"
    flags = review.storyline_flags(storyline, material, BRIEF)
    assert flags == {3: ["1.3tn"], 0: ["21%"]}


def test_a_range_outside_the_sheet_leaves_the_models_chart_to_be_flagged(fake_openai, material):
    storyline = copy.deepcopy(STORYLINE)
    storyline["slides"][3]["data"]["range"] = "A1:Z99"
    fake_openai.reply(storyline)
    fake_openai.reply(DECK)
    spec = drafting.draft_deck(brief=BRIEF, material=material)
    flags = review.deck_flags(spec.model_dump(mode="json"), material, BRIEF)
    assert "999" in flags[4] and "1000" in flags[4]


def test_only_relevant_passages_go_to_the_model(fake_openai, settings):
    settings.MATERIAL_STORYLINE_TOKENS = 1500
    big = pack.build([SourceFile("long.pdf", makefiles.long_report_pdf(pages=40))])
    fake_openai.reply(STORYLINE)
    drafting.draft_storyline("Topic: the recycling market. Length: 5 slides", material=big)
    prompt = fake_openai.chat_requests()[0].body["messages"][1]["content"]
    assert "recycling" in prompt and "insurance market" not in prompt
    assert len(prompt) < len(big.total_text()) / 5


def test_material_stored_with_the_row_is_used_by_the_fill(fake_openai, material):
    from generator.models import GeneratedPresentation

    row = GeneratedPresentation.objects.create(source_kind="brief", source_text=BRIEF)
    pack.store(row.pk, material)
    fake_openai.reply(DECK)
    spec = drafting.fill_storyline(drafting.Storyline.model_validate(STORYLINE), BRIEF,
                                   presentation=row)
    assert spec.slides[4].chart.series[0].values == [0.31, 0.24, 0.18]
    assert list(ApiUsage.objects.values_list("purpose", flat=True)) == ["fill"]


def test_the_estimate_grows_with_the_material_but_stays_bounded(material, settings):
    settings.OPENAI_MODEL = "gpt-4o-mini"
    bare = drafting.estimate(BRIEF)
    with_material = drafting.estimate(BRIEF, material)
    big = drafting.estimate(BRIEF, pack.build([SourceFile("long.pdf",
                                                          makefiles.long_report_pdf(60))]))
    assert bare["calls"] == with_material["calls"] == 3
    assert bare["jpy_max"] < with_material["jpy_max"] <= big["jpy_max"]
    assert big["prompt_tokens"] < bare["prompt_tokens"] + 2 * 8000 + 6000 + 100


def test_the_hard_budget_still_refuses_before_any_request(fake_openai, material, settings):
    from decimal import Decimal

    from generator.errors import BudgetExceeded

    settings.API_COST_LIMIT_JPY = 1.0
    ApiUsage.objects.create(model="gpt-4o-mini", cost_jpy=Decimal("0.99"))
    with pytest.raises(BudgetExceeded):
        drafting.draft_deck(brief=BRIEF, material=material)
    assert fake_openai.chat_requests() == []


def test_a_revision_is_refused_by_the_budget_too(fake_openai, material, settings):
    from decimal import Decimal

    from generator.decks import revision
    from generator.errors import BudgetExceeded
    from generator.spec import load_spec

    settings.API_COST_LIMIT_JPY = 1.0
    ApiUsage.objects.create(model="gpt-4o-mini", cost_jpy=Decimal("0.999"))
    with pytest.raises(BudgetExceeded):
        revision.revise(load_spec(DECK), 3, "shorten", material=material)
    assert fake_openai.chat_requests() == []


def test_a_slide_that_cites_nothing_is_attributed_by_its_numbers(material):
    from generator.material import prompts

    storyline = drafting.Storyline.model_validate({
        "title": "EV", "language": "en", "slides": [
            {"kind": "message", "title": "Passenger cars lead"},
            {"kind": "message", "title": "Nothing to cite"}]})
    deck = prompts.apply({"title": "EV", "slides": [
        {"kind": "message", "title": "Passenger cars lead",
         "points": [{"text": "74% of EV sales; fleet 310", "sub": []}]},
        {"kind": "message", "title": "Nothing to cite", "points": ["Invented 63%"]}]},
        storyline, material)
    assert deck["slides"][0]["source"] == "report.pdf p. 2"
    assert "source" not in deck["slides"][1]
