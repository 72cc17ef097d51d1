"""Every file PowerPoint opens as a deck or template is learned (issue 11, point 1):
.potx, .pptm and .potm (macros removed, the user told), internal anchors, charts
python-pptx cannot read (skipped and reported); and no mutated real file makes
learning raise anything but a clean refusal."""

from __future__ import annotations

import io
import random
import re
import warnings
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils.html import escape
from pptx import Presentation

from generator.learning import learn
from generator.models import DesignAsset
from tests.conftest import CORPUS
from tests.generator import hostile
from tests.generator.hostile import (BASE, CHARTS, POTM_MAIN, PPTM_MAIN, PRESENTATION_MAIN,
                                     TEMPLATE_MAIN, TEMPLATES)
from tests.sharedfiles import use_local_files

pytestmark = pytest.mark.django_db
MACRO_WARNING = "The file's macros (VBA code) were removed"


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.PREVIEWS_ENABLED = False  # the layout pictures are another test's subject
    return use_local_files(settings, tmp_path / "data")


def main_type(path: Path) -> bytes:
    with zipfile.ZipFile(path) as package:
        types = package.read("[Content_Types].xml")
    return re.search(rb'PartName="/ppt/presentation.xml" ContentType="([^"]+)"', types).group(1)


def test_the_templates_are_vendored_with_their_licences():
    manifest = (CORPUS / "templates" / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()
    listed = {line.split("\t")[0] for line in manifest[1:]}
    assert {path.name for path in TEMPLATES} <= listed and all(p.is_file() for p in TEMPLATES)
    assert len(list((CORPUS / "templates").glob("LICENSE-*.txt"))) >= 2


def test_a_potx_template_is_learned_and_decks_made_from_it_are_pptx(tmp_path, capsys):
    from generator.learning.learned_design import design_for_asset
    from generator.outline import read_outline
    from generator.render import render_to_file

    for source in TEMPLATES:
        parts = hostile.read_parts(source)
        hostile.set_main_type(parts, TEMPLATE_MAIN)
        potx = hostile.write_parts(tmp_path / f"{source.stem}.potx", parts)
        call_command("learn", str(potx))
        asset = DesignAsset.objects.get(filename=potx.name)
        assert main_type(asset.path) == PRESENTATION_MAIN
        Presentation(str(asset.path))
        out = render_to_file(read_outline("# A title\n\n- a point\n"), tmp_path / "made.pptx",
                             design_for_asset(asset)).path
        assert main_type(out) == PRESENTATION_MAIN and len(Presentation(str(out)).slides) == 1
    assert f"design asset {asset.pk}" in capsys.readouterr().out


@pytest.mark.parametrize("suffix, content_type", [(".pptm", PPTM_MAIN), (".potm", POTM_MAIN)])
def test_a_macro_enabled_file_is_learned_without_its_macros(tmp_path, capsys, suffix,
                                                             content_type):
    parts = hostile.read_parts(TEMPLATES[0])
    hostile.add_macros(parts, content_type)
    path = hostile.write_parts(tmp_path / f"house{suffix}", parts)
    call_command("learn", str(path))
    out = capsys.readouterr().out
    assert f"warning: {MACRO_WARNING}" in out
    asset = DesignAsset.objects.get()
    with zipfile.ZipFile(asset.path) as package:
        names = package.namelist()
        everything = b"".join(package.read(n) for n in names if n.endswith((".xml", ".rels")))
    assert not [n for n in names if "vba" in n.lower()]
    assert b"vbaProject" not in everything and b"macroEnabled" not in everything
    assert b"vbaData" not in everything and main_type(asset.path) == PRESENTATION_MAIN
    Presentation(str(asset.path))
    assert learn.warnings(asset) == [learn.removal_notes.message({"kind": "macros"})]


def test_the_web_upload_shows_what_was_removed(client, alice, tmp_path):
    parts = hostile.read_parts(BASE)
    hostile.add_macros(parts)
    client.force_login(alice)
    response = client.post("/designs/", {"file": SimpleUploadedFile(
        "house.pptm", hostile.write_parts(tmp_path / "x.pptm", parts).read_bytes())}, follow=True)
    assert response.status_code == 200 and DesignAsset.objects.count() == 1
    assert escape(MACRO_WARNING) in response.content.decode()


def test_anchors_inside_the_file_are_links_not_missing_parts(tmp_path):
    parts = hostile.read_parts(BASE)
    hostile.add_hyperlink(parts, "ppt/slides/slide1.xml", "#_ftn1", "rIdA1", external=False)
    hostile.add_hyperlink(parts, "ppt/slides/slide1.xml", "#slide3", "rIdA2", external=True)
    learned = learn.learn_upload(path=hostile.write_parts(tmp_path / "anchors.pptx", parts))
    assert learned.warnings == []
    prs = Presentation(str(learned.asset.path))
    addresses = {run.hyperlink.address for shape in prs.slides[0].shapes if shape.has_text_frame
                 for p in shape.text_frame.paragraphs for run in p.runs if run.hyperlink.address}
    assert addresses == {"#_ftn1", "#slide3"}


def three_d(data: bytes) -> bytes:
    return data.replace(b"<c:barChart>", b"<c:bar3DChart>").replace(b"</c:barChart>",
                                                                    b"</c:bar3DChart>")


def test_a_3d_chart_is_skipped_and_the_rest_learned(tmp_path):
    parts = hostile.read_parts(CHARTS)
    parts["ppt/charts/chart1.xml"] = three_d(parts["ppt/charts/chart1.xml"])
    learned = learn.learn_upload(path=hostile.write_parts(tmp_path / "3d.pptx", parts))
    asset = learned.asset
    types = set(asset.patterns.values_list("pattern_type", flat=True))
    assert {"theme_colors", "layout", "slide", "typography"} <= types
    assert "chart_style" not in types
    [note] = asset.patterns.filter(pattern_type="skipped")
    assert note.pattern_data == {"kind": "chart", "slide": 1, "plot_types": ["bar3DChart"]}
    assert learned.warnings == ["Slide 1: a chart the learner cannot read (a 3-D chart: "
                                "bar3DChart) was skipped; the rest of the deck was learned."]


def test_a_combo_chart_is_learned(tmp_path):
    parts = hostile.read_parts(CHARTS)
    chart = parts["ppt/charts/chart1.xml"]
    series = re.search(rb"<c:ser>.*?</c:ser>", chart, re.S).group(0)
    series = re.sub(rb"<c:invertIfNegative[^>]*/>", b"", series)
    axes = b"".join(re.findall(rb"<c:axId val=\"\d+\"/>", chart)[:2])
    line = b"<c:lineChart><c:grouping val=\"standard\"/><c:varyColors val=\"0\"/>" + \
        series.replace(b'<c:idx val="0"/>', b'<c:idx val="5"/>') + b"<c:marker val=\"1\"/>" + \
        axes + b"</c:lineChart>"
    parts["ppt/charts/chart1.xml"] = chart.replace(b"</c:barChart>", b"</c:barChart>" + line)
    learned = learn.learn_upload(path=hostile.write_parts(tmp_path / "combo.pptx", parts))
    style = learned.asset.patterns.get(pattern_type="chart_style").pattern_data
    assert style["chart_type"].startswith("BAR_CLUSTERED") and len(style["series_colors"]) >= 2
    assert learned.warnings == []


def test_an_office_2016_chart_is_reported(tmp_path):
    parts = hostile.read_parts(BASE)
    hostile.add_rel(parts, "ppt/slides/_rels/slide1.xml.rels", "rIdCx",
                    "http://schemas.microsoft.com/office/2014/relationships/chartEx",
                    "../charts/chartEx1.xml", external=False)
    parts["ppt/charts/chartEx1.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cx:chartSpace xmlns:cx='
        b'"http://schemas.microsoft.com/office/drawing/2014/chartex"><cx:chartData/><cx:chart>'
        b'<cx:plotArea><cx:plotAreaRegion><cx:series layoutId="waterfall"/></cx:plotAreaRegion>'
        b'</cx:plotArea></cx:chart></cx:chartSpace>')
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"</Types>", (
        b'<Override PartName="/ppt/charts/chartEx1.xml" ContentType="application/vnd.ms-office.'
        b'chartex+xml"/></Types>'))
    learned = learn.learn_upload(path=hostile.write_parts(tmp_path / "cx.pptx", parts))
    assert learned.warnings == ["Slide 1: a chart the learner cannot read (an Office 2016 chart "
                                "such as a waterfall, treemap or funnel) was skipped; the rest "
                                "of the deck was learned."]


# -- fuzz: mutated real files -------------------------------------------------------------------
FUZZ_CASES = 200
FUZZ_SEED = 20261130
# Ion_Boardroom is left out: extracting its 17 layouts alone takes seconds per case
SOURCES = sorted((CORPUS / "pptx").glob("*.pptx")) + [t for t in TEMPLATES
                                                      if "Ion_Boardroom" not in t.name]


def _rezip(parts: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate names made on purpose
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
            for name, data in parts:
                package.writestr(name, data)
    return out.getvalue()


def mutate(rng: random.Random, source: Path) -> tuple[str, bytes]:
    """One mutation of a real file: flipped bytes, truncation, a dropped, duplicated or
    swapped member, or corrupted XML."""
    raw = source.read_bytes()
    with zipfile.ZipFile(source) as package:
        parts = [(info.filename, package.read(info)) for info in package.infolist()]
    xml = [i for i, (name, _) in enumerate(parts) if name.endswith((".xml", ".rels"))]
    kind = rng.choice(["flip", "truncate", "drop", "duplicate", "swap", "xml", "xml"])
    if kind == "flip":
        data = bytearray(raw)
        for _ in range(rng.randint(1, 16)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        return kind, bytes(data)
    if kind == "truncate":
        return kind, raw[:rng.randrange(len(raw))]
    if kind == "drop":
        del parts[rng.randrange(len(parts))]
    elif kind == "duplicate":
        parts.insert(rng.randrange(len(parts)), parts[rng.randrange(len(parts))])
    elif kind == "swap":
        a, b = rng.randrange(len(parts)), rng.randrange(len(parts))
        parts[a] = (parts[a][0], parts[b][1])
    else:
        at = rng.choice(xml)
        name, data = parts[at]
        cut = rng.randrange(len(data))
        junk = rng.choice([b"<", b"&x;", b"</p:sld>", b"\x00", b'"', b"<a:t>", b"", b"]]>",
                           b'<r:x r:id="rId999"/>', data[:rng.randrange(64)]])
        parts[at] = (name, data[:cut] + junk + data[cut + rng.randint(0, 40):])
    return kind, _rezip(parts)


def test_mutated_real_files_are_learned_or_refused_cleanly(tmp_path, data_dir):
    rng = random.Random(FUZZ_SEED)
    outcomes = {"learned": 0, "refused": 0}
    for case in range(FUZZ_CASES):
        source = rng.choice(SOURCES)
        kind, data = mutate(rng, source)
        path = tmp_path / f"case-{case}.pptx"
        path.write_bytes(data)
        before = DesignAsset.objects.count()
        stored = sorted((data_dir / "design_assets").glob("*"))
        try:
            call_command("learn", str(path), stdout=io.StringIO())
        except CommandError as exc:
            message = str(exc)
            assert message.startswith(f"{path.name}: "), (case, kind, source.name, message)
            assert str(tmp_path) not in message and "/tmp" not in message[len(path.name):]
            assert DesignAsset.objects.count() == before
            assert sorted((data_dir / "design_assets").glob("*")) == stored
            outcomes["refused"] += 1
        else:
            outcomes["learned"] += 1
        path.unlink()
        assert list((data_dir / "incoming").glob("*")) == []
    assert outcomes["learned"] > 10 and outcomes["refused"] > 50, outcomes
