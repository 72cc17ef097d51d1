"""The new-deck page's live check and its submit refuse the same outlines with the same
words (issue 13): the text is read and fitted in the chosen design as generation does, each
problem is shown once at the line of its construct, in the page's language."""

from __future__ import annotations

import html
import json

import pytest

from generator.decks import create
from generator.learning import learn
from generator.models import GeneratedPresentation
from tests.conftest import CORPUS
from tests.sharedfiles import use_local_files

pytestmark = pytest.mark.django_db

LONG_TITLE = ("The partnership route lets us enter the domestic EV market two years earlier "
              "and with JPY 40bn less capital at risk than building our own plant, while the "
              "partner brings its dealers, its service network and its brand")[:207]
CHART = ("# Costs fall as volume grows\n"          # line 1
         "\n"
         "- Scale matters\n"                       # line 3
         "\n"
         "```chart stacked-columns unit=\"%\"\n"   # line 5: the fence
         "Year,A\n2024,1\n2025,2\n```\n")


def check(client, source, **extra):
    return client.post("/api/outline/validate", data=json.dumps({"source": source, **extra}),
                       content_type="application/json", **extra.pop("headers", {})).json()


def submit(client, source, **headers):
    return client.post("/decks/new/", {"source_format": "markdown", "source": source,
                                       "asset": ""}, **headers)


def test_a_title_too_long_to_fit_is_refused_by_the_live_check_and_the_submit_alike(
        client, alice):
    assert len(LONG_TITLE) == 207
    client.force_login(alice)
    source = f"# {LONG_TITLE}\n\n- One point\n"
    live = check(client, source)
    assert live["ok"] is False
    [problem] = live["problems"]
    assert problem["line"] == 1 and problem["place"].startswith("line 1 (slide 1, Message and bullets): title")
    assert "does not fit in 2 lines" in problem["message"]
    page = submit(client, source)
    assert page.status_code == 400 and GeneratedPresentation.objects.count() == 0
    text = html.unescape(page.content.decode())
    assert problem["message"] in text and problem["place"] in text  # the same words
    assert text.count(problem["message"]) == 1  # once


def test_what_the_live_check_accepts_is_queued(client, alice, empty_queue):
    client.force_login(alice)
    source = "# We should enter through a partnership\n\n- It is the fastest route\n"
    live = check(client, source)
    assert live["ok"] is True and live["fitted"] == 1 and live["message"] == "✓ 1 slide"
    assert submit(client, source).status_code == 302
    assert GeneratedPresentation.objects.count() == 1


def test_a_wrong_chart_type_names_the_fence_and_the_guides_types_once(client, alice):
    client.force_login(alice)
    live = check(client, CHART)
    [problem] = live["problems"]
    assert problem["line"] == 5 and problem["place"] == "line 5"
    assert "'stacked-columns'" in problem["message"]
    for word in ("stacked,", "stacked-bar", "stacked100", "stacked100-bar", "doughnut"):
        assert word in problem["message"]
    assert "stacked_column" not in problem["message"]
    text = html.unescape(submit(client, CHART).content.decode())
    errors = text.split('id="outline-errors"', 1)[1].split("</div>", 1)[0]
    assert text.count("unknown chart type") == 1 and "stacked_column" not in errors
    # after a refused submit, the live check does not run again on load (shown once)
    assert 'id="outline-errors"' in text


def test_an_unknown_slide_class_lists_the_guides_classes(client, alice):
    client.force_login(alice)
    [problem] = check(client, "# Title {.sumary}\n\n- a\n")["problems"]
    assert problem["line"] == 1 and ".summary" in problem["message"]
    assert ".next-steps" in problem["message"] and "next_steps" not in problem["message"]


def test_a_japanese_request_gets_japanese_problems(client, alice):
    client.force_login(alice)
    headers = {"HTTP_ACCEPT_LANGUAGE": "ja"}
    live = client.post("/api/outline/validate", data=json.dumps({"source": CHART}),
                       content_type="application/json", **headers).json()
    [problem] = live["problems"]
    assert problem["place"] == "5行目" and problem["line"] == 5
    assert problem["message"].startswith("グラフの種類「stacked-columns」はありません")
    fit = client.post("/api/outline/validate", data=json.dumps(
        {"source": f"# {LONG_TITLE}\n\n- a\n"}), content_type="application/json",
        **headers).json()
    assert fit["problems"][0]["place"].startswith("1行目（スライド1、メッセージと箇条書き）: タイトル")
    assert "2行に収まりません" in fit["problems"][0]["message"]
    good = client.post("/api/outline/validate", data=json.dumps({"source": "# 提携で参入する\n\n- 速い\n"}),
                       content_type="application/json", **headers).json()
    assert good["message"] == "✓ 1枚のスライド"
    page = html.unescape(submit(client, CHART, **headers).content.decode())
    assert "グラフの種類「stacked-columns」はありません" in page and "5行目" in page
    new = client.get("/decks/new/", **headers).content.decode()
    assert "確認中…" in new and "Checking" not in new


def test_the_live_check_is_bounded_in_time_and_the_submit_fits_every_slide(
        client, alice, monkeypatch):
    client.force_login(alice)
    monkeypatch.setattr(create, "LIVE_CHECK_SECONDS", 0.0)
    source = "# First slide fits\n\n- a\n\n# Second\n\n- b\n\n" + f"# {LONG_TITLE}\n\n- c\n"
    live = check(client, source)
    assert live["ok"] is True and live["fitted"] < live["slides"] == 3
    assert "fitted when you generate" in live["message"]
    page = submit(client, source)
    assert page.status_code == 400 and "line 9 (slide 3, Message and bullets)" in page.content.decode()
    assert GeneratedPresentation.objects.count() == 0


def test_the_live_check_fits_in_the_design_chosen_on_the_page(client, alice):
    client.force_login(alice)
    answer = client.post("/api/outline/validate", data=json.dumps(
        {"source": "# T\n\n- a\n", "asset": 987654}), content_type="application/json")
    assert answer.status_code == 404
    page = client.get("/decks/new/").content.decode()
    assert 'data-validate-url="/api/outline/validate"' in page and 'name="asset"' in page


def test_the_live_check_and_the_submit_fit_in_a_learned_design(client, alice, settings, tmp_path,
                                                                 empty_queue):
    use_local_files(settings, tmp_path)
    asset = learn.learn_design(path=CORPUS / "pptx" / "scanny__python-pptx__font-color.pptx")
    client.force_login(alice)
    good = check(client, "# We should enter through a partnership\n\n- Fast\n", asset=asset.pk)
    assert good["ok"] is True and good["fitted"] == 1
    source = f"# {LONG_TITLE}\n\n- a\n"
    live = check(client, source, asset=asset.pk)
    assert live["ok"] is False and "does not fit" in live["problems"][0]["message"]
    page = client.post("/decks/new/", {"source_format": "markdown", "source": source,
                                       "asset": asset.pk})
    assert page.status_code == 400 and GeneratedPresentation.objects.count() == 0
    assert live["problems"][0]["message"] in html.unescape(page.content.decode())


def test_a_render_crash_in_the_check_is_left_to_generation(client, alice, monkeypatch,
                                                            empty_queue):
    def crash(*args, **kwargs):
        raise RuntimeError("a bug in a builder")

    monkeypatch.setattr(create, "render", crash)
    client.force_login(alice)
    source = "# We should enter through a partnership\n\n- Fast\n"
    live = check(client, source)
    assert live["ok"] is True and live["fitted"] == 0
    assert submit(client, source).status_code == 302  # the worker fails it with its reason
