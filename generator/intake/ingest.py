"""Safe intake of an uploaded deck or template before anything reads it as a presentation.

Every check runs on a private temporary copy, and what is stored is not the
upload but a clean copy written from it: only members that passed, only the
two compression methods PowerPoint writes, no macros, no relationship to an
outside address but hyperlinks, a plain presentation main part (.potx,
.pptm, .potm and .ppsx are taken).  The clean copy goes to the shared files
only after every check passed, so a bad upload leaves no file and no row.

Refused, each with a sentence for the user and no server path: files over
the size limit, encrypted or legacy OLE files, anything that is not a zip of
a presentation, members inflating past their limit (counted while inflating,
whatever the headers claim), zip bombs, names that escape (absolute, `..`,
backslashes, links) or repeat, damaged members, XML with a DTD in any
encoding, relationships to missing parts, oversized pictures, too many slides
or XML elements, and themes without their colour scheme.
"""

from __future__ import annotations

import logging
import os
import posixpath
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.utils.translation import gettext as _

from generator.intake import removal_notes, package_clean, safexml, safezip
from generator.errors import InvalidDeckFile
from generator.hashing import sha256_of
from generator.intake.package_clean import CONTENT_TYPES, ROOT_RELS, ContentTypes
from generator.intake.safezip import MAX_RATIO, display_name

logger = logging.getLogger(__name__)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_MEMBERS = 5000
MAX_SLIDES = 200
MAX_PICTURE_BYTES = 25 * 1024 * 1024
MAX_XML_PART_BYTES = 10 * 1024 * 1024
MAX_PACKAGE_XML_BYTES = 4 * 1024 * 1024  # relationships and content types, kept in memory
MAX_XML_ELEMENTS = 300_000  # ~ 150 MB of trees once python-pptx parses them
THEME_SLOTS = ("dk1", "lt1", "dk2", "lt2", "accent1", "accent2", "accent3", "accent4",
               "accent5", "accent6", "hlink")
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
_PML = "application/vnd.openxmlformats-officedocument.presentationml."
# what python-pptx takes for granted of a part of each type: its root element and the
# relationships it must have (a slide without its layout, a layout without its master)
_EXPECTED = {
    f"{_PML}slide+xml": (f"{P}sld", {"slideLayout"}),
    f"{_PML}slideLayout+xml": (f"{P}sldLayout", {"slideMaster"}),
    f"{_PML}slideMaster+xml": (f"{P}sldMaster", {"theme"}),
    "application/vnd.openxmlformats-officedocument.theme+xml": (f"{A}theme", set()),
    "application/vnd.openxmlformats-officedocument.drawingml.chart+xml": (f"{C}chartSpace",
                                                                          set()),
}


@dataclass(frozen=True)
class CheckedFile:
    """A clean copy that passed every check: its path, size, hash, slide count, and notes
    on what was removed (`intake_notes`)."""

    path: Path
    size: int
    sha256: str
    slides: int
    notes: tuple[dict, ...] = field(default=())


@dataclass
class _Package:
    """What the first pass over an archive found."""

    members: dict[str, zipfile.ZipInfo]
    types: ContentTypes
    rels: dict[str, bytes]
    roots: dict[str, str]  # XML part -> the tag of its root element


def receive(source: BinaryIO | Path, *, filename: str = "") -> CheckedFile:
    """Copy the upload to a temporary file (counting bytes), check it, write the clean copy.

    The caller owns the returned clean copy (move it into place or delete
    it).  Raises `InvalidDeckFile` with a clear message; then no temporary
    file is left.
    """
    upload = _copy(source)
    try:
        return check(upload, filename=filename)
    finally:
        upload.unlink(missing_ok=True)


def _incoming() -> Path:
    directory = Path(settings.DATA_DIR) / "incoming"  # local on every host, never shared
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _copy(source: BinaryIO | Path) -> Path:
    limit = settings.MAX_UPLOAD_BYTES
    fd, name = tempfile.mkstemp(prefix="upload-", suffix=".tmp", dir=_incoming())
    handle = source.open("rb") if isinstance(source, Path) else source
    written = 0
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                written += len(chunk)
                if written > limit:
                    raise InvalidDeckFile(_("The file is larger than %(limit)d MB.")
                                          % {"limit": limit // (1024 * 1024)})
                out.write(chunk)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    finally:
        if isinstance(source, Path):
            handle.close()
    return Path(name)


def check(path: Path, *, filename: str = "") -> CheckedFile:
    """Check the file at `path` and write its clean copy (a new temporary file) or raise."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(OLE_MAGIC):
        raise InvalidDeckFile(_(
            "This is an encrypted (password-protected) deck or an old binary .ppt file: remove "
            "the password or save it as .pptx, then upload again."))
    with safezip.open_archive(path) as archive:
        package = _read_package(archive)
        plan = package_clean.plan(set(package.members), package.types, package.rels)
        _check_structure(package, plan)
        slides = _count_slides(archive, package)
        _check_theme(archive, package, plan)
        fd, name = tempfile.mkstemp(prefix="clean-", suffix=".pptx", dir=_incoming())
        os.close(fd)
        clean = Path(name)
        try:
            _write_clean_copy(archive, package, plan, clean)
            _check_opens(clean, filename)
        except BaseException:
            clean.unlink(missing_ok=True)
            raise
    notes = ([removal_notes.macros()] if plan.macros else []) + (
        [removal_notes.external_links(plan.external_links)] if plan.external_links else [])
    return CheckedFile(path=clean, size=clean.stat().st_size, sha256=sha256_of(clean),
                       slides=slides, notes=tuple(notes))


# -- first pass: every member inflated once, within its limit -------------------------------------
def _read_package(archive: zipfile.ZipFile) -> _Package:
    members = _check_entries(archive)
    types_root = safexml.parse(_read_small(archive, members[CONTENT_TYPES]),
                               display_name(CONTENT_TYPES))
    types = ContentTypes(types_root)
    budget = safexml.ElementBudget(MAX_XML_ELEMENTS)
    rels: dict[str, bytes] = {}
    roots: dict[str, str] = {}
    total = 0
    for name, info in members.items():
        if name == CONTENT_TYPES:
            continue
        limit, too_big = _limit(name, types, settings.MAX_UNCOMPRESSED_BYTES - total)
        checker = _checker(name, types, budget)
        kept = [] if name.endswith(".rels") else None
        for chunk in safezip.stream(archive, info, limit=limit, too_big=too_big):
            total += len(chunk)
            if checker is not None:
                checker.feed(chunk)
            if kept is not None:
                kept.append(chunk)
        if checker is not None:
            roots[name] = checker.close() or ""
        if kept is not None:
            rels[name] = b"".join(kept)
    return _Package(members=members, types=types, rels=rels, roots=roots)


def _check_entries(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    infos = [info for info in archive.infolist() if not info.filename.endswith("/")]
    if len(infos) > MAX_MEMBERS:
        raise InvalidDeckFile(_("The archive holds %(count)d parts (at most %(limit)d).")
                              % {"count": len(infos), "limit": MAX_MEMBERS})
    safezip.check_layout(infos)
    members: dict[str, zipfile.ZipInfo] = {}
    folded: set[str] = set()
    declared = 0
    for info in infos:
        safezip.check_entry(info)
        name = info.filename
        if name.lower() in folded:  # part names are case-insensitive
            raise InvalidDeckFile(_("The archive holds %(name)s twice.")
                                  % {"name": display_name(name)})
        folded.add(name.lower())
        members[name] = info
        # honest headers give an early answer; the real sizes are counted while inflating
        declared += info.file_size
        if info.file_size > safezip.RATIO_FLOOR and info.file_size > MAX_RATIO * max(
                info.compress_size, 1):
            raise InvalidDeckFile(safezip.bomb_message(name))
        if _is_media(name) and info.file_size > MAX_PICTURE_BYTES:
            raise InvalidDeckFile(_picture_too_big(name))
    if declared > settings.MAX_UNCOMPRESSED_BYTES:
        raise InvalidDeckFile(_too_big_total())
    for part in (CONTENT_TYPES, ROOT_RELS):
        if part not in members:
            raise InvalidDeckFile(_("This is not a PowerPoint presentation: %(part)s is missing.")
                                  % {"part": display_name(part)})
    return members


def _is_media(name: str) -> bool:
    return name.startswith("ppt/media/")


def _picture_too_big(name: str) -> str:
    return _("The part %(name)s is over %(limit)d MB; pictures over %(limit)d MB are refused "
             "(compress them in PowerPoint first).") % {"name": display_name(name),
                                               "limit": MAX_PICTURE_BYTES // (1024 * 1024)}


def _too_big_total() -> str:
    return _("The deck expands to more than %(limit)d MB.") % {
        "limit": settings.MAX_UNCOMPRESSED_BYTES // (1024 * 1024)}


def _is_xml(name: str, types: ContentTypes) -> bool:
    kind = (types.of(name) or "").lower()
    return name.lower().endswith((".xml", ".rels")) or kind.endswith("xml")


def _limit(name: str, types: ContentTypes, left: int) -> tuple[int, Callable[[], str]]:
    """The most real bytes `name` may inflate to, and the message past it."""
    if name.endswith(".rels"):
        own = MAX_PACKAGE_XML_BYTES
    elif _is_xml(name, types):
        own = MAX_XML_PART_BYTES
    elif _is_media(name):
        own = MAX_PICTURE_BYTES
    else:
        return left, _too_big_total
    if left < own:
        return left, _too_big_total
    if _is_media(name) and not _is_xml(name, types):
        return own, partial(_picture_too_big, name)
    return own, partial(_xml_too_big, name, own)


def _xml_too_big(name: str, limit: int) -> str:
    return _("The part %(name)s holds more than %(limit)d MB of XML: too large to learn "
             "from.") % {"name": display_name(name), "limit": limit // (1024 * 1024)}


def _checker(name: str, types: ContentTypes,
             budget: safexml.ElementBudget) -> safexml.PartChecker | None:
    shown = display_name(name)
    if _is_xml(name, types):
        return safexml.PartChecker(shown, budget)
    if name.lower().endswith(".vml") or "vml" in (types.of(name) or "").lower():
        return safexml.PartChecker(shown, budget, parse=False)
    return None


def _read_small(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    return safezip.read(archive, info, limit=MAX_PACKAGE_XML_BYTES,
                        too_big=partial(_xml_too_big, info.filename, MAX_PACKAGE_XML_BYTES))


def _read_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    return safezip.read(archive, info, limit=MAX_XML_PART_BYTES,
                        too_big=partial(_xml_too_big, info.filename, MAX_XML_PART_BYTES))


# -- what a design needs --------------------------------------------------------------------------
def _check_structure(package: _Package, plan: package_clean.Plan) -> None:
    main = _main_part(package)
    for name in plan.keep:
        kind = package.types.of(name)
        root, needs = (f"{P}presentation", {"slideMaster"}) if name == main else \
            _EXPECTED.get(kind or "", (None, set()))
        if root is not None and package.roots.get(name) != root:
            raise InvalidDeckFile(_("The file is damaged: the part %(name)s does not hold what "
                                    "its type says. Open it in PowerPoint and save it again.")
                                  % {"name": display_name(name)})
        missing = sorted(needs - plan.rel_types.get(name, set()))
        if missing:
            raise InvalidDeckFile(_("The file is damaged: the part %(name)s has no %(kind)s (a "
                                    "missing relationship). Open it in PowerPoint and save it "
                                    "again.") % {"name": display_name(name), "kind": missing[0]})


def _count_slides(archive: zipfile.ZipFile, package: _Package) -> int:
    main = _main_part(package)
    root = safexml.parse(_read_part(archive, package.members[main]), display_name(main))
    count = len(root.findall(f"{P}sldIdLst/{P}sldId"))
    if count > MAX_SLIDES:
        raise InvalidDeckFile(_(
            "The deck has %(count)d slides; design learning takes at most %(limit)d (a template "
            "or a representative deck is enough).") % {"count": count, "limit": MAX_SLIDES})
    return count


def _main_part(package: _Package) -> str:
    root = safexml.parse(package.rels[ROOT_RELS], display_name(ROOT_RELS))
    for rel in root.iter(f"{package_clean.RELS_NS}Relationship"):
        if (rel.get("Type") or "").endswith(package_clean.OFFICE_DOCUMENT):
            return posixpath.normpath((rel.get("Target") or "").lstrip("/"))
    raise InvalidDeckFile(_("This is not a PowerPoint presentation (its main part is missing)."))


def _check_theme(archive: zipfile.ZipFile, package: _Package, plan: package_clean.Plan) -> None:
    themes = sorted(name for name in plan.keep if name.startswith("ppt/theme/theme")
                    and name.endswith(".xml"))
    if not themes:
        raise InvalidDeckFile(_("The deck has no theme (colours and fonts) to learn."))
    root = safexml.parse(_read_part(archive, package.members[themes[0]]),
                         display_name(themes[0]))
    scheme = root.find(f".//{A}clrScheme")
    missing = [slot for slot in THEME_SLOTS
               if scheme is None or scheme.find(f"{A}{slot}") is None
               or len(scheme.find(f"{A}{slot}")) == 0]
    if missing:
        raise InvalidDeckFile(_("The theme lacks colours: %(slots)s; open the template in "
                                "PowerPoint and save it again.") % {"slots": ", ".join(missing)})


# -- second pass: the clean copy ------------------------------------------------------------------
def _write_clean_copy(archive: zipfile.ZipFile, package: _Package, plan: package_clean.Plan,
                      target: Path) -> None:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for name in plan.keep:
            entry = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = package.members[name].compress_type  # stored or deflated
            entry.external_attr = 0o644 << 16
            data = _replaced(archive, package, plan, name)
            if data is not None:
                out.writestr(entry, data)
                continue
            info = package.members[name]
            with out.open(entry, "w") as sink:
                for chunk in safezip.stream(archive, info, limit=info.file_size + 1,
                                            too_big=_too_big_total):
                    sink.write(chunk)


def _replaced(archive, package: _Package, plan: package_clean.Plan, name: str) -> bytes | None:
    if name in plan.replaced:
        return plan.replaced[name]
    rids = plan.dropped_refs.get(name)
    if rids and _is_xml(name, package.types):
        data = _read_part(archive, package.members[name])
        return package_clean.without_refs(data, rids, display_name(name))
    return None


def _check_opens(path: Path, filename: str) -> None:
    from pptx import Presentation

    try:
        Presentation(str(path))
    except Exception as exc:  # python-pptx raises a wide range on damaged parts
        logger.info("python-pptx cannot open upload '%s': %s: %s", filename,
                    exc.__class__.__name__, exc)
        raise InvalidDeckFile(_("The deck's structure is damaged, so it cannot be read as a "
                                "presentation: open it in PowerPoint and save it again.")) from None

