"""Safe intake of an uploaded .pptx before anything reads it as a presentation.

Every check runs on a private temporary copy; the file is stored (under a
generated name in the shared files' design_assets/) only after all of them pass, so a bad
upload leaves no file and no row.  Refused: files over the size limit,
encrypted or legacy OLE files, anything that is not a zip with the parts a
presentation needs, zip bombs, member names that escape (absolute, `..`,
backslashes, links) or repeat, macro-enabled decks, XML with a DTD (entity
expansion and external entities), relationships that point at missing parts,
oversized pictures, too many slides, and themes without their colour scheme.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from lxml import etree

from .errors import InvalidDeckFile

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_MEMBERS = 5000
MAX_RATIO = 100  # uncompressed / compressed, for members over 1 MB
MAX_SLIDES = 200
MAX_PICTURE_BYTES = 25 * 1024 * 1024
REQUIRED_PARTS = ("[Content_Types].xml", "ppt/presentation.xml")
THEME_SLOTS = ("dk1", "lt1", "dk2", "lt2", "accent1", "accent2", "accent3", "accent4",
               "accent5", "accent6", "hlink")
_MACRO_MARKERS = ("vbaproject.bin", "vbadata.xml")
_MACRO_TYPES = (b"macroEnabled", b"vbaProject")
_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                               huge_tree=False, remove_blank_text=False)
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


@dataclass(frozen=True)
class CheckedFile:
    """A temporary copy that passed every check: its path, size, hash and slide count."""

    path: Path
    size: int
    sha256: str
    slides: int


def receive(source: BinaryIO | Path, *, filename: str = "") -> CheckedFile:
    """Copy the upload to a temporary file (counting bytes) and check it.

    The caller owns the returned temporary file (move it into place or
    delete it).  Raises `InvalidDeckFile` with a clear message; on error the
    temporary copy is already gone.
    """
    tmp = _copy(source)
    try:
        return check(tmp, filename=filename)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _copy(source: BinaryIO | Path) -> Path:
    limit = settings.MAX_UPLOAD_BYTES
    directory = Path(settings.DATA_DIR) / "incoming"  # local on every host, never shared
    directory.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix="upload-", suffix=".tmp", dir=directory)
    handle = source.open("rb") if isinstance(source, Path) else source
    written = 0
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                written += len(chunk)
                if written > limit:
                    raise InvalidDeckFile(f"the file is larger than {limit // (1024 * 1024)} MB")
                out.write(chunk)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    finally:
        if isinstance(source, Path):
            handle.close()
    return Path(name)


def check(path: Path, *, filename: str = "") -> CheckedFile:
    """Run every check on a file already on disk; returns its facts or raises."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(OLE_MAGIC):
        raise InvalidDeckFile(
            "this is an encrypted (password-protected) deck or an old binary .ppt file: "
            "remove the password or save it as .pptx, then upload again")
    if filename.lower().endswith((".pptm", ".potm", ".ppsm")):
        raise InvalidDeckFile("macro-enabled decks (.pptm) are refused: save it as .pptx")
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise InvalidDeckFile("not a PowerPoint .pptx file (it is not a zip archive, or it "
                              "is truncated)") from None
    with archive:
        members = _check_members(archive)
        _check_macros(archive, members)
        _check_xml(archive, members)
        _check_relationships(archive, members)
        slides = _count_slides(archive)
        _check_theme(archive, members)
    _check_opens(path)
    return CheckedFile(path=path, size=path.stat().st_size, sha256=_sha256(path), slides=slides)


def _check_members(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise InvalidDeckFile(f"the archive holds {len(infos)} parts (at most {MAX_MEMBERS})")
    members: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        name = info.filename
        _check_name(name, info)
        if name in members:
            raise InvalidDeckFile(f"the archive holds '{name}' twice")
        members[name] = info
        total += info.file_size
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise InvalidDeckFile(f"'{name}' expands {info.file_size // max(info.compress_size, 1)}"
                                  f"-fold: refused as a zip bomb")
        if name.startswith("ppt/media/") and info.file_size > MAX_PICTURE_BYTES:
            raise InvalidDeckFile(f"'{name}' is {info.file_size // (1024 * 1024)} MB; pictures "
                                  f"over {MAX_PICTURE_BYTES // (1024 * 1024)} MB are refused "
                                  "(compress them in PowerPoint first)")
    if total > settings.MAX_UNCOMPRESSED_BYTES:
        raise InvalidDeckFile(f"the deck expands to {total // (1024 * 1024)} MB (at most "
                              f"{settings.MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} MB)")
    for part in REQUIRED_PARTS:
        if part not in members:
            raise InvalidDeckFile(f"not a PowerPoint presentation: '{part}' is missing")
    return members


def _check_name(name: str, info: zipfile.ZipInfo) -> None:
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        raise InvalidDeckFile(f"the archive holds an absolute path: '{name}'")
    if "\\" in name or ".." in name.split("/"):
        raise InvalidDeckFile(f"the archive holds a path that escapes its folder: '{name}'")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise InvalidDeckFile(f"the archive holds a link: '{name}'")


def _check_macros(archive: zipfile.ZipFile, members: dict) -> None:
    if any(posixpath.basename(name).lower() in _MACRO_MARKERS for name in members):
        raise InvalidDeckFile("the deck contains macros (VBA): save it as a plain .pptx")
    types = archive.read("[Content_Types].xml")
    if any(marker in types for marker in _MACRO_TYPES):
        raise InvalidDeckFile("the deck is macro-enabled (.pptm): save it as a plain .pptx")


def _check_xml(archive: zipfile.ZipFile, members: dict) -> None:
    for name in members:
        if not name.endswith((".xml", ".rels")):
            continue
        try:
            data = archive.read(name)
        except (zipfile.BadZipFile, EOFError, OSError) as exc:
            raise InvalidDeckFile(f"the deck is damaged ('{name}': {exc})") from None
        if b"<!DOCTYPE" in data[:4096].upper() or b"<!ENTITY" in data.upper():
            raise InvalidDeckFile(f"'{name}' declares a DTD or entities: refused (XML entity "
                                  "attacks)")
        try:
            etree.fromstring(data, _SAFE_PARSER)
        except etree.XMLSyntaxError as exc:
            raise InvalidDeckFile(f"'{name}' is not well-formed XML ({exc})") from None


def _check_relationships(archive: zipfile.ZipFile, members: dict) -> None:
    ns = "{http://schemas.openxmlformats.org/package/2006/relationships}"
    for name in members:
        if not name.endswith(".rels"):
            continue
        base = posixpath.dirname(posixpath.dirname(name))
        root = etree.fromstring(archive.read(name), _SAFE_PARSER)
        for rel in root.iter(f"{ns}Relationship"):
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join(base, target))
            if path not in members:
                raise InvalidDeckFile(f"'{name}' refers to a missing part '{target}' (broken "
                                      "relationship)")


def _count_slides(archive: zipfile.ZipFile) -> int:
    root = etree.fromstring(archive.read("ppt/presentation.xml"), _SAFE_PARSER)
    ns = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
    count = len(root.findall(f"{ns}sldIdLst/{ns}sldId"))
    if count > MAX_SLIDES:
        raise InvalidDeckFile(
            f"the deck has {count} slides; design learning takes at most {MAX_SLIDES} "
            "(a template or a representative deck is enough)")
    return count


def _check_theme(archive: zipfile.ZipFile, members: dict) -> None:
    themes = sorted(name for name in members if name.startswith("ppt/theme/theme"))
    if not themes:
        raise InvalidDeckFile("the deck has no theme (colours and fonts) to learn")
    root = etree.fromstring(archive.read(themes[0]), _SAFE_PARSER)
    scheme = root.find(f".//{A}clrScheme")
    missing = [slot for slot in THEME_SLOTS
               if scheme is None or scheme.find(f"{A}{slot}") is None
               or len(scheme.find(f"{A}{slot}")) == 0]
    if missing:
        raise InvalidDeckFile(f"the theme lacks colours: {', '.join(missing)}; open the "
                              "template in PowerPoint and save it again")


def _check_opens(path: Path) -> None:
    from pptx import Presentation

    try:
        Presentation(str(path))
    except Exception as exc:  # python-pptx raises a wide range on damaged parts
        raise InvalidDeckFile(f"PowerPoint's structure is damaged ({exc.__class__.__name__}: "
                              f"{exc})") from None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()
