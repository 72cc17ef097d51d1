"""Which pictures of a design exist yet: its slides and its empty layouts.

Both are rendered by the worker after an upload, so the design page and the
library cards show a placeholder until they exist and then poll for them.  A
template with no slides (a .potx, usually) has no slide pictures worth showing
(LibreOffice renders one blank page): its card shows its first layout instead.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from generator import files, queueing
from generator.errors import SharedFilesError
from generator.learning.layout_pictures import LayoutPictures, picture_name, state
from generator.models import DesignAsset
from generator.previews.soffice import asset_prefix, asset_thumbnails, available

logger = logging.getLogger(__name__)
REQUEUE_AFTER = timedelta(minutes=10)  # an asset learned before layout pictures existed


@dataclass(frozen=True)
class DesignPictures:
    asset_id: int
    slides: int  # slide pictures to show (none for a template without slides)
    slides_pending: bool
    layouts: LayoutPictures

    def as_json(self) -> dict:
        pk = self.asset_id
        layouts = {name: reverse("generator-design-layout", args=[pk, number])
                   for number, name in enumerate(self.layouts.names, start=1)}
        slides = [reverse("generator-design-thumbnail", args=[pk, number])
                  for number in range(1, self.slides + 1)]
        return {"slides": slides, "slides_pending": self.slides_pending,
                "layouts_status": self.layouts.status, "layouts": layouts,
                "cover": (slides or list(layouts.values()) or [None])[0]}


def pictures_of(asset: DesignAsset) -> DesignPictures:
    """What exists of `asset`'s pictures; an asset stored before layout pictures existed
    gets them queued (once an hour at most), since its upload's task never made them."""
    try:
        layouts = state(asset)
        stored = len(asset_thumbnails(asset))
    except SharedFilesError as exc:
        logger.error("pictures of design %s could not be read: %s", asset.pk, exc)
        return DesignPictures(asset.pk, 0, False, LayoutPictures("failed"))
    learned_at = asset.learned_at or timezone.now()
    if layouts.status == "pending" and stored and timezone.now() - learned_at > REQUEUE_AFTER \
            and cache.add(f"layout-pictures-{asset.pk}", 1, 3600):
        queueing.asset_thumbnails(asset.pk)  # "pending": pictures can be rendered here
    has_slides = bool(asset.slide_count)
    return DesignPictures(asset.pk, stored if has_slides else 0,
                          has_slides and not stored and available(), layouts)


def card_pictures(assets) -> dict[int, str]:
    """Asset id -> the URL of its library card's picture, for those whose picture is
    stored (one listing for the whole library, not one request per card)."""
    try:
        names = files.list_names(files.THUMBNAILS)
    except SharedFilesError as exc:
        logger.error("design pictures could not be listed: %s", exc)
        return {}
    stored = {name for name in names if re.search(r"/(slide-001|layout-1)\.png$", name)}
    found = {}
    for asset in assets:
        if asset.slide_count:
            if f"{asset_prefix(asset)}/slide-001.png" in stored:
                found[asset.pk] = reverse("generator-design-thumbnail", args=[asset.pk, 1])
        elif picture_name(asset, 1) in stored:
            found[asset.pk] = reverse("generator-design-layout", args=[asset.pk, 1])
    return found
