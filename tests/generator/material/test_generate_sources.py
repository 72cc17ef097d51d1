"""manage.py generate --brief-file F --source FILE ... [--estimate]"""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from pptx import Presentation

from generator.material import pack
from generator.models import ApiUsage, GeneratedPresentation
from tests.sharedfiles import use_local_files

from tests.generator.material import makefiles
from tests.generator.material.decks import BRIEF, DECK, STORYLINE

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def material_files(tmp_path):
    (tmp_path / "brief.txt").write_text(BRIEF, encoding="utf-8")
    (tmp_path / "report.pdf").write_bytes(makefiles.market_report_pdf())
    (tmp_path / "data.xlsx").write_bytes(makefiles.data_pack_xlsx())
    return tmp_path


def test_a_brief_with_sources_becomes_a_deck_with_traceable_charts(fake_openai, material_files,
                                                                    settings, tmp_path):
    use_local_files(settings, tmp_path / "files")
    fake_openai.reply(STORYLINE)
    fake_openai.reply(DECK)
    out, err = io.StringIO(), io.StringIO()
    call_command("generate", "--brief-file", str(material_files / "brief.txt"),
                 "--source", str(material_files / "report.pdf"),
                 "--source", str(material_files / "data.xlsx"),
                 "-o", str(tmp_path / "deck.pptx"), stdout=out, stderr=err)
    assert "estimate: at most 3 model calls" in err.getvalue()
    assert "slide 3: numbers found in no source: 2020, 37%" in err.getvalue()
    row = GeneratedPresentation.objects.get()
    assert pack.load(row.pk).documents[0]["name"] == "report.pdf"
    assert ApiUsage.objects.count() == 2
    deck = Presentation(tmp_path / "deck.pptx")
    assert len(deck.slides) == 12
    chart = next(s.chart for s in deck.slides[4].shapes if s.has_chart)
    assert list(chart.plots[0].series[0].values) == [0.31, 0.24, 0.18]
    texts = [sh.text_frame.text for sh in deck.slides[3].shapes if sh.has_text_frame]
    assert any("data.xlsx 'Revenue' A1:D4" in t for t in texts)


def test_estimate_only_makes_no_call_and_records_nothing(fake_openai, material_files):
    err = io.StringIO()
    call_command("generate", "--brief-file", str(material_files / "brief.txt"),
                 "--source", str(material_files / "report.pdf"), "--estimate",
                 stdout=io.StringIO(), stderr=err)
    assert "2 source files" not in err.getvalue() and "1 source files, 3 pages" in err.getvalue()
    assert fake_openai.chat_requests() == [] and GeneratedPresentation.objects.count() == 0


def test_a_refused_source_fails_before_any_call_naming_only_the_file(fake_openai, material_files):
    (material_files / "locked.pdf").write_bytes(makefiles.encrypted_pdf())
    with pytest.raises(CommandError) as info:
        call_command("generate", "--brief-file", str(material_files / "brief.txt"),
                     "--source", str(material_files / "locked.pdf"))
    assert str(info.value).startswith("locked.pdf: the PDF is encrypted")
    assert str(material_files) not in str(info.value)
    assert fake_openai.chat_requests() == [] and GeneratedPresentation.objects.count() == 0


def test_sources_need_a_brief(material_files):
    (material_files / "deck.md").write_text("# Title\n", encoding="utf-8")
    with pytest.raises(CommandError, match="go with --brief"):
        call_command("generate", str(material_files / "deck.md"),
                     "--source", str(material_files / "report.pdf"))


def test_revise_command_makes_a_new_version_with_one_call(fake_openai, alice, settings, tmp_path):
    from generator.decks import generate
    from generator.material.intake import SourceFile
    from generator.spec import load_spec

    use_local_files(settings, tmp_path / "files")
    row = GeneratedPresentation.objects.create(owner=alice, source_kind="brief",
                                               source_text=BRIEF, storyline=STORYLINE)
    pack.store(row.pk, pack.build([SourceFile("report.pdf", makefiles.market_report_pdf())]))
    generate.generate_now(spec=load_spec(DECK), source_kind="brief", source_text=BRIEF,
                          owner=alice, presentation=row)
    slide = dict(DECK["slides"][9], points=[{"text": "Fleet revenue rose 99%", "sub": []}])
    fake_openai.reply({"slide": slide})
    out, err = io.StringIO(), io.StringIO()
    call_command("revise", str(row.pk), "--slide", "10", "--instruction", "one bullet",
                 stdout=out, stderr=err)
    new = GeneratedPresentation.objects.exclude(pk=row.pk).get()
    assert new.status == "done" and new.version == 2 and str(new.pk) in out.getvalue()
    assert "slide 10: numbers found in no source: 99%" in err.getvalue()
    assert len(fake_openai.chat_requests()) == 1
    with pytest.raises(CommandError, match="There is no slide 40"):
        call_command("revise", str(row.pk), "--slide", "40", "--instruction", "x")
    with pytest.raises(CommandError, match="no deck 999"):
        call_command("revise", "999", "--slide", "1", "--instruction", "x")
