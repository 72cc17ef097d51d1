"""Pictures of a design's empty layouts, for its page: what each layout decks use looks like.

Rendered by the worker after upload (the task that renders the asset's slide
pictures), so an upload stays fast.  Each layout decks use is put on an empty
slide with its placeholders removed, as the layout probe does at learn time,
so the picture shows exactly the graphics the free area was measured against.

Stored in the shared files beside the slide pictures, `thumbnails/asset-<id>/`:
`layout-1.png`... and then `layouts.json`, which marks the set complete and
names the layout of each picture (or records that rendering failed, so the
page stops waiting).
"""

from __future__ import annotations

import json
import logging
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from pptx import Presentation

from generator import files
from generator.errors import PreviewError, SharedFilesError
from generator.learning.learned_design import layout_map
from generator.models import DesignAsset
from generator.previews.soffice import asset_prefix, available, render_thumbnails
from generator.render import xml

logger = logging.getLogger(__name__)
MANIFEST = "layouts.json"


@dataclass(frozen=True)
class LayoutPictures:
    """What the page can show: status "ready", "pending", "failed" or "off" (no pictures
    on this server), and the layout names in picture order (picture 1 first)."""

    status: str
    names: list[str] = field(default_factory=list)

    def number_of(self, name: str) -> int | None:
        """The picture number of layout `name` (1-based), None when it has none."""
        return self.names.index(name) + 1 if name in self.names else None


def used_layouts(asset: DesignAsset) -> list[str]:
    """The names of the layouts decks in this design use, cover first, content next."""
    entries = [(p.pattern_name, p.pattern_data)
               for p in asset.patterns.filter(pattern_type="layout").order_by("pk")]
    mapping = layout_map(entries)
    order = [mapping.get(kind) for kind in ("cover", "*", "section", "appendix")]
    return list(dict.fromkeys(name for name in order if name))


def picture_name(asset: DesignAsset, number: int) -> str:
    return f"{asset_prefix(asset)}/layout-{number}.png"


def _manifest_name(asset: DesignAsset) -> str:
    return f"{asset_prefix(asset)}/{MANIFEST}"


def state(asset: DesignAsset) -> LayoutPictures:
    """Whether the pictures exist (read from the manifest, stored last) and still show the
    layouts decks use (an asset learned again may use others: then they are due again)."""
    try:
        with files.open(_manifest_name(asset)) as handle:
            manifest = json.load(handle)
    except FileNotFoundError:
        return LayoutPictures("pending" if available() else "off")
    except (ValueError, SharedFilesError) as exc:
        logger.warning("layout pictures of design asset %s cannot be read: %s", asset.pk, exc)
        return LayoutPictures("failed")
    if manifest.get("failed"):
        return LayoutPictures("failed")
    names = [str(n) for n in manifest.get("layouts", [])]
    if names != used_layouts(asset):  # learned again since: other layouts are used now
        return LayoutPictures("pending" if available() else "off")
    return LayoutPictures("ready", names)


def ensure_layout_pictures(asset: DesignAsset) -> LayoutPictures:
    """Render and store the pictures once; a failed render is recorded, never raised."""
    from pptx.exc import PythonPptxError

    found = state(asset)
    if found.status != "pending" or not available():
        return found
    names = used_layouts(asset)
    try:
        _publish(asset, names)
    except (PreviewError, PythonPptxError, OSError, ValueError, KeyError) as exc:
        logger.warning("layout pictures of design asset %s failed: %s", asset.pk, exc)
        _write_manifest(asset, {"failed": True})
        return LayoutPictures("failed")
    return LayoutPictures("ready", names)


def _publish(asset: DesignAsset, names: list[str]) -> None:
    with tempfile.TemporaryDirectory(prefix="bcgslides-layouts-") as work:
        deck = Path(work) / "layouts.pptx"
        _empty_layouts_deck(asset.path, names, deck)
        pictures = render_thumbnails(deck, Path(work) / "out") if names else []
        if len(pictures) != len(names):
            raise ValueError(f"{len(pictures)} pictures for {len(names)} layouts")
        for number, picture in enumerate(pictures, start=1):
            files.replace(picture, picture_name(asset, number))
    _write_manifest(asset, {"layouts": names})


def _empty_layouts_deck(template: Path, names: list[str], target: Path) -> None:
    """A deck of one empty slide per layout in `names` (placeholders removed: only the
    template's own graphics show, as the layout probe saw them)."""
    prs = Presentation(str(template))
    for slide in list(prs.slides):
        xml.delete_slide(prs, slide)
    xml.add_empty_layout_slides(prs, names)
    prs.save(str(target))


def _write_manifest(asset: DesignAsset, data: dict) -> None:
    with tempfile.TemporaryDirectory(prefix="bcgslides-layouts-") as work:
        path = Path(work) / MANIFEST
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        files.replace(path, _manifest_name(asset))
