"""What of an uploaded package is kept, and the stored copy written from it.

The stored copy is what the renderer and LibreOffice read later, so it must
hold nothing that runs or fetches: macro parts (VBA and its signatures) and
every relationship to an outside address except hyperlinks (linked pictures,
media, OLE objects and workbooks point at http://, file:// or UNC paths that
LibreOffice would fetch) are dropped, together with the attributes that
referred to them.  Parts nothing reaches are dropped too.  A template, slide
show or macro-enabled main part becomes a plain presentation, so python-pptx
opens it and decks made from it are .pptx.  Internal anchors (`#_ftn1`) are
hyperlinks, not missing parts.
"""

from __future__ import annotations

import posixpath
import shutil
import zipfile
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _
from lxml import etree

from generator.intake import safexml
from generator.errors import InvalidDeckFile
from generator.intake.safezip import display_name

CONTENT_TYPES = "[Content_Types].xml"
ROOT_RELS = "_rels/.rels"
PRESENTATION_MAIN = ("application/vnd.openxmlformats-officedocument.presentationml."
                     "presentation.main+xml")
MAIN_TYPES = {
    PRESENTATION_MAIN,
    "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml",
    "application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml",
    "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml",
    "application/vnd.ms-powerpoint.template.macroEnabled.main+xml",
    "application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml",
}
OFFICE_DOCUMENT = "/officeDocument"
HYPERLINK = "/hyperlink"
CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
RELS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
R_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
# elements that mean nothing once their link attribute is gone (the attribute is required)
_LINK_CARRIERS = {"videoFile", "audioFile", "quickTimeFile", "wavAudioFile", "snd",
                  "externalData", "media"}


class PackageRefused(InvalidDeckFile):
    """The package's structure breaks a rule; the message is a sentence for the user."""


@dataclass
class Plan:
    """Which members go into the stored copy, and the replaced bytes of some of them."""

    keep: list[str] = field(default_factory=list)
    replaced: dict[str, bytes] = field(default_factory=dict)
    dropped_refs: dict[str, set[str]] = field(default_factory=dict)  # part -> rIds gone
    rel_types: dict[str, set[str]] = field(default_factory=dict)  # part -> kinds it keeps
    external_links: list[str] = field(default_factory=list)  # the targets dropped
    macros: bool = False


def is_macro_type(text: str) -> bool:
    """A content type or relationship type of VBA code, its data or its signature."""
    lowered = (text or "").lower()
    return "vbaproject" in lowered or "vbadata" in lowered


class ContentTypes:
    """The content type of each part name, as python-pptx looks it up (case-insensitive)."""

    def __init__(self, root: etree._Element):
        self.root = root
        self.defaults = {(e.get("Extension") or "").lower(): e.get("ContentType") or ""
                         for e in root.iter(f"{CT_NS}Default")}
        self.overrides = {(e.get("PartName") or "").lower(): e.get("ContentType") or ""
                          for e in root.iter(f"{CT_NS}Override")}

    def of(self, name: str) -> str | None:
        found = self.overrides.get(f"/{name}".lower())
        if found is not None:
            return found
        return self.defaults.get(posixpath.splitext(name)[1][1:].lower())


def rels_name(part: str) -> str:
    """The relationships member of `part` ('' is the package itself)."""
    if not part:
        return ROOT_RELS
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{base}.rels")


def _resolve(source: str, target: str) -> str:
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def plan(members: set[str], types: ContentTypes, rels: dict[str, bytes]) -> Plan:
    """Walk the relationships from the package root; decide what the stored copy keeps."""
    result = Plan(macros=any(_is_macro_part(name, types) for name in members))
    reached, queue = {""}, deque([""])
    main = None
    while queue:
        source = queue.popleft()
        tree = _rels_tree(rels, source)
        if tree is None:
            continue
        changed = False
        for rel in list(tree.iter(f"{RELS_NS}Relationship")):
            before = dict(rel.attrib)
            target = _walk_one(rel, source, members, types, result)
            changed |= target is None or dict(rel.attrib) != before
            if target is None:
                rel.getparent().remove(rel)
                result.dropped_refs.setdefault(source, set()).add(rel.get("Id") or "")
                continue
            kind = (rel.get("Type") or "").rsplit("/", 1)[-1]
            result.rel_types.setdefault(source, set()).add(kind)
            if source == "" and (rel.get("Type") or "").endswith(OFFICE_DOCUMENT):
                main = target or main
            if target and target not in reached:
                reached.add(target)
                queue.append(target)
        if changed:
            result.replaced[rels_name(source)] = _serialize(tree)
    _check_main(main, types)
    reached.discard("")
    keep = reached | {CONTENT_TYPES} | {rels_name(p) for p in reached | {""}
                                         if rels_name(p) in members}
    result.keep = [name for name in sorted(members) if name in keep]
    result.replaced[CONTENT_TYPES] = _clean_content_types(types, set(result.keep), main)
    for name in result.keep:
        if name != CONTENT_TYPES and not name.endswith(".rels") and types.of(name) is None:
            raise PackageRefused(_("The file is damaged: %(name)s has no content type. Open it "
                                   "in PowerPoint and save it again.")
                                 % {"name": display_name(name)})
    return result


def _walk_one(rel, source: str, members: set[str], types: ContentTypes,
              result: Plan) -> str | None:
    """The part `rel` leads to ('' for a kept outside hyperlink), or None when dropped."""
    kind, target = rel.get("Type") or "", rel.get("Target") or ""
    mode = rel.get("TargetMode")
    if is_macro_type(kind):
        result.macros = True
        return None
    if mode not in (None, "Internal"):
        if kind.endswith(HYPERLINK):
            rel.set("TargetMode", "External")
            return ""
        result.external_links.append(target)
        return None
    if target.startswith("#"):  # an anchor inside the file (a footnote, a bookmark)
        if kind.endswith(HYPERLINK):
            rel.set("TargetMode", "External")
            return ""
        return None
    path = _resolve(source, target)
    if is_macro_type(types.of(path) or ""):
        result.macros = True
        return None
    if path not in members:
        raise PackageRefused(_("The file is damaged: %(source)s refers to a missing part "
                               "%(target)s (a broken relationship). Open it in PowerPoint and "
                               "save it again.") % {"source": display_name(rels_name(source)),
                                                    "target": display_name(target)})
    return path


def _rels_tree(rels: dict[str, bytes], source: str) -> etree._Element | None:
    data = rels.get(rels_name(source))
    if data is None:
        return None
    return safexml.parse(data, display_name(rels_name(source)))


def _is_macro_part(name: str, types: ContentTypes) -> bool:
    base = posixpath.basename(name).lower()
    return base in ("vbaproject.bin", "vbadata.xml") or is_macro_type(types.of(name) or "")


def _check_main(main: str | None, types: ContentTypes) -> None:
    if main is None or types.of(main) not in MAIN_TYPES:
        raise PackageRefused(_("This is not a PowerPoint presentation or template (its main "
                               "part is missing or of another kind)."))


def _clean_content_types(types: ContentTypes, keep: set[str], main: str) -> bytes:
    root = types.root
    for element in list(root.iter(f"{CT_NS}Override")):
        name = (element.get("PartName") or "").lstrip("/")
        if name == main:
            element.set("ContentType", PRESENTATION_MAIN)
        elif name not in keep or is_macro_type(element.get("ContentType") or ""):
            root.remove(element)
    for element in list(root.iter(f"{CT_NS}Default")):
        if is_macro_type(element.get("ContentType") or ""):
            root.remove(element)
    if f"/{main}".lower() not in {(e.get("PartName") or "").lower()
                                  for e in root.iter(f"{CT_NS}Override")}:
        etree.SubElement(root, f"{CT_NS}Override", PartName=f"/{main}",
                         ContentType=PRESENTATION_MAIN)
    return _serialize(root)


def without_refs(data: bytes, rids: set[str], shown_name: str) -> bytes:
    """A part's XML with every attribute naming a dropped relationship removed.

    An element that means nothing without it (a linked video, a chart's linked
    workbook) goes with it.
    """
    root = safexml.parse(data, shown_name)
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        names = [name for name, value in element.attrib.items()
                 if name.startswith(R_NS) and value in rids]
        if not names:
            continue
        if etree.QName(element).localname in _LINK_CARRIERS and element.getparent() is not None:
            element.getparent().remove(element)
            continue
        for name in names:
            del element.attrib[name]
    return _serialize(root)


def strip_outside_links(source: Path, target: Path) -> int:
    """Copy one of our own packages (a stored asset, a generated deck) to `target` with every
    outside relationship but hyperlinks removed; returns how many went.

    For files that passed intake already (their sizes are trusted); the
    defence in depth in front of LibreOffice.
    """
    with zipfile.ZipFile(source) as archive:
        replaced: dict[str, bytes] = {}
        dropped: dict[str, set[str]] = {}
        for name in archive.namelist():
            if not name.endswith(".rels"):
                continue
            root = safexml.parse(archive.read(name), display_name(name))
            gone = {rel.get("Id") or "" for rel in root.iter(f"{RELS_NS}Relationship")
                    if rel.get("TargetMode") not in (None, "Internal")
                    and not (rel.get("Type") or "").endswith(HYPERLINK)}
            if gone:
                for rel in list(root.iter(f"{RELS_NS}Relationship")):
                    if rel.get("Id") in gone:
                        rel.getparent().remove(rel)
                replaced[name] = _serialize(root)
                dropped[_source_of(name)] = gone
        if not replaced:
            shutil.copyfile(source, target)
            return 0
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
            for info in archive.infolist():
                data = replaced.get(info.filename)
                if data is None:
                    data = archive.read(info)
                    if info.filename in dropped:
                        data = without_refs(data, dropped[info.filename],
                                            display_name(info.filename))
                out.writestr(info, data)
    return sum(len(rids) for rids in dropped.values())


def _source_of(rels: str) -> str:
    """The part whose relationships `rels` holds ('' for the package)."""
    folder, base = posixpath.split(rels)
    return posixpath.join(posixpath.dirname(folder), base[:-len(".rels")]).lstrip("/") \
        if base != ".rels" else ""


def _serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
