"""The design page shows what was learned: empty layouts with their free area, the kinds
each serves, colours and fonts in words, what each score means, what intake removed; its
pictures appear without a reload; "Make a deck in this design" preselects it.

Real learned designs (the vendored templates), real LibreOffice where pictures are the
subject, real HTTP through Django's test client.
"""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from generator import files, tasks

from generator.learning import layout_pictures
from generator.learning.learn import learn_design
from generator.models import DesignAsset
from generator.previews.soffice import available
from tests.conftest import CORPUS
from tests.generator import hostile

TEMPLATES = CORPUS / "templates"
BOARDROOM = TEMPLATES / "barun-saha__slide-deck-ai__Ion_Boardroom.pptx"
MARTIN = TEMPLATES / "MartinPacker__md2pptx__Martin_Template.pptx"
needs_libreoffice = pytest.mark.skipif("not available()", reason="LibreOffice not installed")


@pytest.fixture
def no_pictures(settings):
    settings.PREVIEWS_ENABLED = False


def _layout_patterns(asset: DesignAsset) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for row in asset.patterns.filter(pattern_type="layout").order_by("pk"):
        found.setdefault(row.pattern_name, row.pattern_data)
    return found


@needs_libreoffice
def test_the_page_shows_each_used_layout_empty_with_its_free_area_and_kinds(client, alice,
                                                                             settings):
    settings.PREVIEWS_ENABLED = settings.LEARN_LAYOUT_PICTURES = True
    asset = learn_design(path=BOARDROOM, user=alice)
    tasks.render_asset_thumbnails(asset.pk)  # what the worker runs after an upload
    client.force_login(alice)
    page = client.get(f"/designs/{asset.pk}/").content.decode()

    used = layout_pictures.used_layouts(asset)
    assert used and "Picture being rendered" not in page
    for number, name in enumerate(used, start=1):
        assert f'src="/designs/{asset.pk}/layouts/{number}.png"' in page
        assert f'data-layout-name="{name}"' in page
    assert "Cover" in page and "Every other slide" in page  # kinds named per layout

    # the overlay is where the probe found the free area, as shares of the slide
    size = asset.patterns.get(pattern_type="slide_size").pattern_data
    content = _layout_patterns(asset)[used[1] if len(used) > 1 else used[0]]
    x, y, w, h = content["probe"]["free"]
    left, width = 100 * x / size["width"], 100 * w / size["width"]
    assert f'class="free-area" title="Free area" style="left:{left:.2f}%;' in page
    assert f"width:{width:.2f}%" in page
    behind = [p["median"] for p in content["probe"]["placeholders"].values()]
    assert any(f"background:#{color.upper()}" in page for color in behind)  # swatch

    picture = client.get(f"/designs/{asset.pk}/layouts/1.png")
    assert picture.status_code == 200 and picture["Content-Type"] == "image/png"
    with Image.open(io.BytesIO(b"".join(picture.streaming_content))) as image:
        ratio = image.width / image.height
    assert abs(ratio - size["width"] / size["height"]) < 0.02  # the slide's own shape
    assert client.get(f"/designs/{asset.pk}/layouts/{len(used) + 1}.png").status_code == 404
    assert client.get(f"/designs/{asset.pk}/layouts/0.png").status_code == 404

    state = client.get(f"/designs/{asset.pk}/pictures.json").json()
    assert state["layouts_status"] == "ready" and not state["slides_pending"]
    assert state["layouts"][used[0]] == f"/designs/{asset.pk}/layouts/1.png"

    # a template without slides: no blank slide picture, its cover layout on the card
    assert asset.slide_count == 0 and state["slides"] == []
    assert state["cover"] == f"/designs/{asset.pk}/layouts/1.png"
    assert "This file has no slides" in page and f"/designs/{asset.pk}/slides/1.png" not in page
    listing = client.get("/designs/").content.decode()
    assert f'<img src="/designs/{asset.pk}/layouts/1.png"' in listing
    assert "picture-placeholder" not in listing
    picker = client.get("/decks/new/").content.decode()  # the new-deck page's design picker
    assert f'<img src="/designs/{asset.pk}/layouts/1.png"' in picker

    # learned again with other layouts in use: the pictures are due again, not shown stale
    cover = asset.patterns.get(pattern_type="layout", pattern_name=used[0])
    cover.pattern_data = {**cover.pattern_data, "kind": "other"}
    cover.save()
    assert layout_pictures.state(asset).status == "pending"
    assert layout_pictures.ensure_layout_pictures(asset).names == layout_pictures.used_layouts(
        asset) != used

    from generator.learning.learn import delete_asset

    delete_asset(asset)  # its layout pictures go with it
    assert not [n for n in files.list_names(files.THUMBNAILS) if f"asset-{asset.pk}/" in n]


@needs_libreoffice
def test_while_pictures_render_the_page_says_so_and_the_json_answers_pending(client, alice,
                                                                            settings):
    settings.PREVIEWS_ENABLED, settings.LEARN_LAYOUT_PICTURES = True, False
    asset = learn_design(path=MARTIN, user=alice)  # no worker has run yet
    client.force_login(alice)
    page = client.get(f"/designs/{asset.pk}/").content.decode()
    assert "The layout pictures are being rendered" in page
    assert "The slide pictures are being rendered" in page
    assert f'data-poll="/designs/{asset.pk}/pictures.json"' in page
    assert "/layouts/1.png" not in page  # no picture that does not exist yet
    state = client.get(f"/designs/{asset.pk}/pictures.json")
    assert state.status_code == 200
    assert state.json() == {"slides": [], "slides_pending": True, "layouts_status": "pending",
                            "layouts": {}, "cover": None}

    listing = client.get("/designs/").content.decode()  # the card: a placeholder, not a 404
    assert f'src="/designs/{asset.pk}/slides/1.png"' not in listing
    assert f'class="picture-placeholder" data-poll="/designs/{asset.pk}/pictures.json"' in listing
    picker = client.get("/decks/new/").content.decode()
    assert f"/designs/{asset.pk}/slides/1.png" not in picker and "design-option-blank" in picker


def test_layout_pictures_of_a_missing_file_are_recorded_as_failed(client, alice, settings,
                                                                  no_pictures):
    asset = learn_design(path=MARTIN, user=alice)
    settings.PREVIEWS_ENABLED = True
    files.delete(asset.storage_name)  # the stored template is gone: nothing to render
    if not available():
        pytest.skip("LibreOffice not installed")
    assert layout_pictures.ensure_layout_pictures(asset).status == "failed"
    client.force_login(alice)
    page = client.get(f"/designs/{asset.pk}/").content.decode()
    assert "The layout pictures could not be rendered" in page
    assert client.get(f"/designs/{asset.pk}/pictures.json").json()["layouts_status"] == "failed"


def test_colours_fonts_and_scores_are_in_words(client, alice, no_pictures):
    asset = learn_design(path=BOARDROOM, user=alice)
    colors = asset.patterns.get(pattern_type="theme_colors").pattern_data
    client.force_login(alice)
    page = client.get(f"/designs/{asset.pk}/").content.decode()
    assert f'background:#{colors["accent1"].upper()}"></i> <span>Accent 1</span>' in page
    assert "Text/Background – Dark 1" in page
    fonts = asset.patterns.get(pattern_type="theme_fonts").pattern_data
    assert "Headings (Latin)" in page and fonts["major_latin"] in page
    assert "Body text (Japanese and other East Asian)" in page
    assert "How sure the learner is of the slide kind each layout serves" in page
    assert "theme_colors" not in page  # no internal pattern names
    assert "Pictures are off on this server" in page  # and no endless "being rendered"
    assert client.get(f"/designs/{asset.pk}/pictures.json").json()["layouts_status"] == "off"


def test_a_pptm_upload_shows_its_macro_removal_on_the_design_page(client, alice, tmp_path,
                                                                   no_pictures):
    parts = hostile.read_parts(MARTIN)
    hostile.add_macros(parts)
    deck = hostile.write_parts(tmp_path / "house.pptm", parts).read_bytes()
    client.force_login(alice)
    response = client.post("/designs/", {"file": SimpleUploadedFile("house.pptm", deck)},
                           follow=True)
    asset = DesignAsset.objects.get()
    assert response.redirect_chain == [(f"/designs/{asset.pk}/", 302)]
    page = response.content.decode()
    notes = re.search(r'<ul id="skipped-notes">(.*?)</ul>', page, re.S)
    assert notes and "macros (VBA code) were removed" in notes.group(1)
    assert page.count("macros (VBA code) were removed") == 1  # said once, not also flashed


def test_a_clean_upload_lists_nothing_as_skipped(client, alice, no_pictures):
    asset = learn_design(path=MARTIN, user=alice)
    client.force_login(alice)
    assert 'id="skipped-notes"' not in client.get(f"/designs/{asset.pk}/").content.decode()


def test_make_a_deck_in_this_design_preselects_it(client, alice, no_pictures):
    asset = learn_design(path=MARTIN, user=alice)
    other = learn_design(path=BOARDROOM, user=alice)
    client.force_login(alice)
    page = client.get(f"/designs/{asset.pk}/").content.decode()
    assert f'href="/decks/new/?asset={asset.pk}"' in page
    new = client.get(f"/decks/new/?asset={asset.pk}").content.decode()
    assert f'value="{asset.pk}" checked' in new
    assert f'value="{other.pk}" checked' not in new and 'value="" checked' not in new


@pytest.mark.parametrize("value", ["999999", "abc", "-1", "²", "9" * 40, ""])
def test_an_unknown_preselect_keeps_the_built_in_design(client, alice, no_pictures, value):
    learn_design(path=MARTIN, user=alice)
    client.force_login(alice)
    response = client.get("/decks/new/", {"asset": value})
    assert response.status_code == 200
    assert 'value="" checked' in response.content.decode()


def test_the_picture_endpoints_need_login_and_a_real_design(client, alice, no_pictures):
    asset = learn_design(path=MARTIN, user=alice)
    assert client.get(f"/designs/{asset.pk}/pictures.json").status_code == 302
    assert client.get(f"/designs/{asset.pk}/layouts/1.png").status_code == 302
    client.force_login(alice)
    assert client.get(f"/designs/{asset.pk + 1}/pictures.json").status_code == 404
    assert client.get(f"/designs/{asset.pk}/layouts/1.png").status_code == 404


def test_the_upload_form_names_every_accepted_kind(client, alice):
    client.force_login(alice)
    assert ".pptx, .potx, .pptm or .potm" in client.get("/designs/").content.decode()
