"""Page flows that span tasks: brief -> storyline review -> deck; design upload."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from generator import tasks
from generator.models import ApiUsage, DesignAsset, GeneratedPresentation
from tests.conftest import CORPUS
from tests.generator.llm.test_drafting import DECK, STORYLINE
from tests.sharedfiles import use_local_files

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_brief_is_drafted_reviewed_edited_and_generated(client, alice, fake_openai, settings,
                                                          tmp_path, django_capture_on_commit_callbacks):
    use_local_files(settings, tmp_path)
    client.force_login(alice)
    response = client.post("/decks/new/brief/", {
        "topic": "Entering the domestic EV market", "audience": "the board",
        "objective": "decide on a partner", "facts": "25% growth a year", "length": 6,
        "language": "en"})
    row = GeneratedPresentation.objects.get()
    assert response.status_code == 302 and row.source_kind == "brief" and row.status == "queued"
    fake_openai.reply(STORYLINE)
    tasks.draft_storyline(row.pk)  # what the worker runs
    row.refresh_from_db()
    assert row.status == "review" and row.storyline["slides"][2]["kind"] == "chart"
    page = client.get(f"/decks/{row.pk}/").content.decode()
    assert "storyline-editor" in page
    edited = dict(row.storyline)
    edited["slides"] = [dict(s) for s in edited["slides"]]
    edited["slides"][1]["title"] = "A partnership creates the most value for us"
    client.post(f"/decks/{row.pk}/storyline/", {"storyline": json.dumps(edited)})
    row.refresh_from_db()
    assert row.status == "queued" and row.storyline["slides"][1]["title"].endswith("for us")
    fake_openai.reply(DECK)
    tasks.generate_presentation(row.pk)
    row.refresh_from_db()
    assert row.status == "done" and row.slide_count == 4, row.error
    fill = fake_openai.chat_requests()[-1].body["messages"][-1]["content"]
    assert "creates the most value for us" in fill  # the user's edit reached the fill
    assert ApiUsage.objects.filter(presentation=row).count() == 2
    assert row.cost_jpy > 0


def test_a_bad_storyline_edit_is_refused(client, alice):
    row = GeneratedPresentation.objects.create(owner=alice, source_kind="brief", status="review",
                                               storyline=STORYLINE, source_text="brief")
    client.force_login(alice)
    client.post(f"/decks/{row.pk}/storyline/", {"storyline": "{not json"})
    client.post(f"/decks/{row.pk}/storyline/", {"storyline": json.dumps({"title": "x"})})
    row.refresh_from_db()
    assert row.status == "review" and row.storyline == STORYLINE


@pytest.mark.parametrize("language, cover, tree", [("en", "Cover", "Issue tree"),
                                                   ("ja", "表紙", "イシューツリー")])
def test_the_storyline_editor_names_the_slide_kinds_in_the_pages_language(client, alice, language,
                                                                          cover, tree):
    row = GeneratedPresentation.objects.create(owner=alice, source_kind="brief", status="review",
                                               storyline=STORYLINE, source_text="brief")
    client.force_login(alice)
    client.cookies["django_language"] = language
    page = client.get(f"/decks/{row.pk}/").content.decode()
    start = page.index('<script id="slide-kinds" type="application/json">')
    kinds = json.loads(page[start:].split(">", 1)[1].split("</script>", 1)[0])
    assert [code for code, _label in kinds][:2] == ["cover", "agenda"]
    assert dict(kinds)["cover"] == cover and dict(kinds)["issue_tree"] == tree
    assert "executive_summary" not in [label for _code, label in kinds]


def test_uploading_a_design_learns_it_and_shows_its_patterns(client, alice, settings, tmp_path):
    use_local_files(settings, tmp_path)
    client.force_login(alice)
    deck = (CORPUS / "pptx" / "scanny__python-pptx__font-color.pptx").read_bytes()
    response = client.post("/designs/", {"file": SimpleUploadedFile("house.pptx", deck),
                                         "category": "corporate"})
    asset = DesignAsset.objects.get()
    assert response["Location"] == f"/designs/{asset.pk}/"
    assert asset.uploaded_by == alice and asset.category == "corporate"
    page = client.get(f"/designs/{asset.pk}/").content.decode()
    assert "Accent 1" in page and "background:#" in page
    listing = client.get("/designs/").content.decode()
    assert "house.pptx" in listing


def test_a_bad_upload_shows_why_and_stores_nothing(client, alice, settings, tmp_path):
    use_local_files(settings, tmp_path)
    client.force_login(alice)
    response = client.post("/designs/", {"file": SimpleUploadedFile("x.pptx", b"not a zip")})
    assert response.status_code == 400 and "not a zip archive" in response.content.decode()
    assert DesignAsset.objects.count() == 0
    left = [p for folder in ("design_assets", "incoming") for p in (tmp_path / folder).glob("*")]
    assert left == []  # neither stored nor left behind half-checked


def test_only_the_uploader_or_staff_may_delete_a_design(client, alice, bob, staff, settings,
                                                        tmp_path):
    from generator.learning.learn import learn_design

    use_local_files(settings, tmp_path)
    asset = learn_design(path=CORPUS / "pptx" / "scanny__python-pptx__font-color.pptx", user=alice)
    client.force_login(bob)
    assert client.post(f"/designs/{asset.pk}/delete/").status_code == 404
    client.force_login(staff)
    assert client.post(f"/designs/{asset.pk}/delete/").status_code == 302
    assert DesignAsset.objects.count() == 0 and not asset.path.exists()


def test_decks_can_be_generated_in_an_uploaded_design(client, alice, settings, tmp_path,
                                                      django_capture_on_commit_callbacks):
    from generator.learning.learn import learn_design

    use_local_files(settings, tmp_path)
    asset = learn_design(path=CORPUS / "pptx" / "scanny__python-pptx__font-color.pptx")
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/decks/new/", {"source_format": "markdown", "asset": asset.pk,
                                    "source": "# A message\n\n- a point\n"})
    row = GeneratedPresentation.objects.get()
    tasks.generate_presentation(row.pk)
    row.refresh_from_db()
    assert row.status == "done" and row.asset == asset
    from pptx import Presentation

    assert row.file.startswith("presentations/")
    assert Presentation(str(tmp_path / row.file)).slide_width == 9144000  # the asset's 4:3


@pytest.mark.slow
def test_previews_are_rendered_after_generation_and_shown(client, alice, settings, tmp_path):
    use_local_files(settings, tmp_path)
    spec = {"title": "Previews", "slides": [
        {"kind": "message", "title": "First message", "points": ["a"]},
        {"kind": "message", "title": "Second message", "points": ["b"]}]}
    row = GeneratedPresentation.objects.create(owner=alice, source_kind="spec", spec=spec,
                                               source_text=json.dumps(spec))
    tasks.generate_presentation(row.pk)
    tasks.render_previews(row.pk)  # queued by the generation task; run here as the worker would
    client.force_login(alice)
    page = client.get(f"/decks/{row.pk}/").content.decode()
    assert f"/decks/{row.pk}/slides/2.png" in page and f"/decks/{row.pk}/pdf/" in page
    picture = client.get(f"/decks/{row.pk}/slides/1.png")
    assert picture.status_code == 200 and picture["Content-Type"] == "image/png"
    assert b"".join(picture.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"
    pdf = client.get(f"/decks/{row.pk}/pdf/")
    assert b"".join(pdf.streaming_content)[:4] == b"%PDF"
    assert client.get(f"/decks/{row.pk}/slides/3.png").status_code == 404
