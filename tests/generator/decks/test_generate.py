"""The generation use case and `manage.py generate`, end to end on a real database and files."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from pptx import Presentation

from generator.decks import generate, lifecycle
from generator.models import GeneratedPresentation
from tests.sharedfiles import use_local_files

pytestmark = pytest.mark.django_db(transaction=True)
Status = GeneratedPresentation.Status

SPEC = {"title": "Market entry", "slides": [
    {"kind": "cover", "title": "Market entry"},
    {"kind": "message", "title": "We should enter through a partnership",
     "points": ["Fastest to scale", "Least capital at risk"], "source": "Team analysis"},
]}


@pytest.fixture(autouse=True)
def data(settings, tmp_path) -> Path:
    """Each test keeps its decks in its own DATA_DIR (a deck made with -o is stored there too)."""
    return use_local_files(settings, tmp_path / "data")


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def test_generate_writes_the_deck_and_records_it(tmp_path, capsys, data):
    source = write(tmp_path, "deck.json", json.dumps(SPEC))
    out = tmp_path / "out" / "deck.pptx"
    call_command("generate", str(source), "-o", str(out))
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == str(out)
    assert "2 slides; lint: 0 errors" in printed[1]
    row = GeneratedPresentation.objects.get()
    assert (row.status, row.progress, row.slide_count, row.source_kind) == (Status.DONE, 100, 2,
                                                                            "spec")
    assert row.title == "Market entry" and row.file.startswith("presentations/deck-")
    assert (data / row.file).read_bytes() == out.read_bytes()  # the web UI serves this copy
    assert row.lint_report["summary"]["errors"] == 0
    assert Presentation(str(out)).slides[1].shapes.title.text == (
        "We should enter through a partnership")


def test_generate_reads_markdown_outlines(tmp_path):
    source = write(tmp_path, "deck.md", "---\ntitle: 市場参入\n---\n\n# 提携による参入を推奨する\n\n"
                   "- 最速で規模を確保できる\n- 投下資本が最も小さい\n")
    call_command("generate", str(source), "-o", str(tmp_path / "deck.pptx"))
    row = GeneratedPresentation.objects.get()
    assert row.source_kind == "markdown" and row.slide_count == 2
    assert "提携による参入を推奨する" in row.source_text


def test_generate_without_output_writes_under_data_dir(tmp_path, capsys, data):
    source = write(tmp_path, "deck.json", json.dumps(SPEC))
    call_command("generate", str(source))
    row = GeneratedPresentation.objects.get()
    assert Path(row.file).parent == Path("presentations") and (data / row.file).is_file()
    assert capsys.readouterr().out.splitlines()[0] == str(data / row.file)


@pytest.mark.parametrize("content,needle", [
    (b"", "empty"),
    (b"\xff\xfe\x00broken", "UTF-8"),
    ('{"title": "x", "slides": [{"kind": "hologram"}]}', "unknown slide kind"),
    ('{"title": "x", "slides": [{"kind": "message", "title": "' + "y" * 400 + '"}]}',
     r"slide 1 \(message\): title: String should have at most 300 characters"),
])
def test_bad_sources_fail_clearly_and_leave_nothing(tmp_path, content, needle, data):
    name = "bad.json" if isinstance(content, str) else "bad.md"
    source = write(tmp_path, name, content)
    out = tmp_path / "out.pptx"
    with pytest.raises(CommandError, match=needle):
        call_command("generate", str(source), "-o", str(out))
    assert not out.exists() and not list(tmp_path.glob(".out.pptx*"))
    assert not list(data.glob("presentations/*"))  # nothing stored in the shared files
    assert GeneratedPresentation.objects.count() == 0


def test_text_that_cannot_fit_fails_before_anything_is_recorded(tmp_path, data):
    spec = {"title": "x", "slides": [{"kind": "message", "title": "word " * 55}]}
    source = write(tmp_path, "long.json", json.dumps(spec))
    good = write(tmp_path, "out.pptx", b"a good earlier file")
    with pytest.raises(CommandError, match="slide 1 \\(message\\): title"):
        call_command("generate", str(source), "-o", str(good))
    assert good.read_bytes() == b"a good earlier file"
    assert not list(data.glob("presentations/*"))
    assert GeneratedPresentation.objects.count() == 0


def test_an_unknown_asset_is_refused(tmp_path):
    source = write(tmp_path, "deck.json", json.dumps(SPEC))
    with pytest.raises(CommandError, match="design asset 999 does not exist"):
        call_command("generate", str(source), "--asset", "999", "-o", str(tmp_path / "x.pptx"))
    assert GeneratedPresentation.objects.count() == 0


def test_the_output_must_be_a_pptx(tmp_path):
    source = write(tmp_path, "deck.json", json.dumps(SPEC))
    with pytest.raises(CommandError, match=".pptx"):
        call_command("generate", str(source), "-o", str(tmp_path / "deck.pdf"))


def test_the_brief_path_says_plainly_that_no_llm_is_configured(tmp_path, settings):
    settings.OPENAI_API_KEY = ""
    with pytest.raises(CommandError) as info:
        call_command("generate", "--brief", "EV market entry for the board")
    assert "OPENAI_API_KEY" in str(info.value)


# -- queued generation -----------------------------------------------------------------
def queued(**fields) -> GeneratedPresentation:
    defaults = {"source_kind": "spec", "source_text": json.dumps(SPEC), "title": "Market entry"}
    return GeneratedPresentation.objects.create(**{**defaults, **fields})


def test_run_takes_a_queued_deck_to_done(data):
    row = generate.run(queued().pk)
    assert (row.status, row.progress, row.stage, row.slide_count) == (Status.DONE, 100, "done", 2)
    assert row.started_at and row.finished_at and (data / row.file).is_file()


def test_run_records_a_failure_with_its_reason(data):
    bad = json.dumps({"title": "x", "slides": [{"kind": "chart", "title": "t", "chart": {
        "type": "pie", "categories": ["a"], "series": [{"name": "s", "values": [-1]}]}}]})
    row = generate.run(queued(source_text=bad).pk)
    assert row.status == Status.FAILED and "negatives" in row.error
    assert row.finished_at is not None and not list(data.glob("presentations/*"))


def test_only_one_worker_claims_a_deck():
    row = queued()
    results = []
    def claim():
        try:
            results.append(lifecycle.claim(row.pk))
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=claim) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, False, False, True]


def test_a_brief_deck_is_rendered_once_in_its_own_design(fake_openai, monkeypatch):
    from dataclasses import replace

    import generator.render
    from generator.design import default_design
    from tests.generator.llm.test_drafting import DECK, STORYLINE

    own = replace(default_design(), name="the asset's design")
    used = []
    real = generate.render

    def counted(spec, design=None, **kwargs):
        used.append(design.name if design else None)
        return real(spec, design, **kwargs)

    monkeypatch.setattr(generate, "design_for", lambda asset_id: own)
    monkeypatch.setattr(generate, "render", counted)
    monkeypatch.setattr(generator.render, "render", counted)  # the drafting's own test fit
    row = queued(source_kind="brief", source_text="EV market entry", storyline=STORYLINE)
    fake_openai.reply(DECK)
    row = generate.run(row.pk)
    assert row.status == Status.DONE and row.slide_count == 4, row.error
    assert used == ["the asset's design"]  # the test fit was the rendering


def test_run_one_pending_takes_the_oldest():
    first, second = queued(), queued()
    assert generate.run_one_pending() is True
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Status.DONE and second.status == Status.QUEUED
    assert generate.run_one_pending() is True
    assert generate.run_one_pending() is False


@pytest.mark.slow
def test_a_500_slide_outline_renders_lint_clean(tmp_path):
    text = "".join(f"# Point {i} moves the business forward\n\n- evidence {i}\n- data {i}\n\n"
                   for i in range(500))
    source = write(tmp_path, "long.md", text)
    call_command("generate", str(source), "-o", str(tmp_path / "long.pptx"))
    row = GeneratedPresentation.objects.get()
    assert row.slide_count == 500 and row.lint_report["summary"]["errors"] == 0
    assert len(Presentation(str(tmp_path / "long.pptx")).slides) == 500
