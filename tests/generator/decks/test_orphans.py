"""Deck files and slide pictures that no row points at are swept after a grace time, and
only those."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path

import pytest

from generator import files

from generator.decks import orphans
from generator.models import GeneratedPresentation

pytestmark = pytest.mark.django_db


def stored(tmp_path: Path, name: str, *, age_hours: float) -> str:
    source = tmp_path / "source.bin"
    source.write_bytes(b"PK\x03\x04 not really a deck")
    name = files.store(source, name)
    past = time.time() - age_hours * 3600
    os.utime(files.local_path(name), (past, past))
    return name


def test_only_old_files_that_no_row_names_are_removed(tmp_path):
    kept_by_row = stored(tmp_path, "presentations/deck-kept.pptx", age_hours=48)
    GeneratedPresentation.objects.create(title="kept", file=kept_by_row)
    orphan = stored(tmp_path, "presentations/deck-orphan.pptx", age_hours=48)
    being_recorded = stored(tmp_path, "presentations/deck-new.pptx", age_hours=0.1)

    removed = orphans.sweep(grace=timedelta(hours=6))

    assert removed == [orphan]
    assert files.exists(kept_by_row) and files.exists(being_recorded)
    assert not files.exists(orphan)


def test_pictures_of_a_deleted_deck_go_and_those_of_a_live_one_stay(tmp_path):
    live = GeneratedPresentation.objects.create(title="live")
    live_picture = stored(tmp_path, f"previews/{live.pk}/slide-001.png", age_hours=48)
    gone_picture = stored(tmp_path, f"previews/{live.pk + 1000}/slide-001.png", age_hours=48)

    assert orphans.sweep() == [gone_picture]
    assert files.exists(live_picture) and not files.exists(gone_picture)


def test_the_material_of_a_deleted_brief_goes(tmp_path):
    live = GeneratedPresentation.objects.create(title="live")
    kept = stored(tmp_path, f"material/{live.pk}.json", age_hours=48)
    gone = stored(tmp_path, f"material/{live.pk + 1000}.json", age_hours=48)

    assert orphans.sweep() == [gone]
    assert files.exists(kept)


def test_pictures_read_from_a_deleted_restyled_deck_go(tmp_path):
    live = GeneratedPresentation.objects.create(title="live")
    kept = stored(tmp_path, f"restyle-pictures/{live.pk}/picture-ab.png", age_hours=48)
    gone = stored(tmp_path, f"restyle-pictures/{live.pk + 1000}/picture-ab.png", age_hours=48)

    assert orphans.sweep() == [gone]
    assert files.exists(kept)


def test_the_sweep_is_scheduled():
    from operations.schedules import SCHEDULES

    assert "generator.decks.orphans.sweep" in {job.func for job in SCHEDULES}
