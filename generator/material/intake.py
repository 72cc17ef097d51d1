"""What a source file must be before anything parses it: kind, size, pages, no macros, safe zip.

Every refusal is a `SourceRefused` whose sentence starts with the file's own
name (never a server path).  Nothing is fetched from outside: no reader is
given a URL, external links in Office files are never followed, and PDF
actions are never run (only text is extracted).
"""

from __future__ import annotations

import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePath

from django.conf import settings
from django.utils.translation import gettext as _

from generator.intake import safezip
from generator.errors import GeneratorError

KINDS = {
    ".pdf": "pdf", ".docx": "docx", ".pptx": "pptx", ".xlsx": "xlsx", ".csv": "csv",
    ".md": "text", ".markdown": "text", ".txt": "text",
}
MACRO_SUFFIXES = (".docm", ".xlsm", ".pptm", ".xlsb", ".dotm", ".potm")
OLD_BINARY = (".doc", ".xls", ".ppt")
OOXML_MAIN = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml",
              "pptx": "ppt/presentation.xml"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def limit(name: str) -> int:
    """A limit from settings (e.g. MATERIAL_MAX_FILES; defaults in bcgslides.settings)."""
    return int(getattr(settings, name))


def max_files() -> int:
    return limit("MATERIAL_MAX_FILES")


def max_file_bytes() -> int:
    return limit("MATERIAL_MAX_FILE_BYTES")


def max_total_bytes() -> int:
    return limit("MATERIAL_MAX_TOTAL_BYTES")


def max_pages() -> int:
    return limit("MATERIAL_MAX_PAGES")


def max_inflated_bytes() -> int:
    return limit("MATERIAL_MAX_INFLATED_BYTES")


class SourceRefused(GeneratorError):
    """A source file that is refused; the message names the file and says why."""


@dataclass(frozen=True)
class SourceFile:
    """An uploaded or named source: its display name and its bytes."""

    name: str
    data: bytes


def display_name(name: str) -> str:
    """The file's own name, without any folder (a server path never reaches a message)."""
    base = PurePath(name.replace("\\", "/")).name or "source"
    clean = "".join(c if c.isprintable() else "?" for c in base)
    return clean[:120]


def refuse(name: str, reason: str) -> SourceRefused:
    return SourceRefused(f"{display_name(name)}: {reason}")


def from_path(path: Path) -> SourceFile:
    """Read a named file (the command line) within the size limit."""
    path = Path(path)
    if not path.is_file():
        raise refuse(path.name, _("no such file"))
    if path.stat().st_size > max_file_bytes():
        raise refuse(path.name, too_big())
    return SourceFile(name=path.name, data=path.read_bytes())


def check_all(sources: list[SourceFile]) -> list[tuple[SourceFile, str]]:
    """Check every source (count, sizes, kinds, archives); returns (source, kind) pairs."""
    if len(sources) > max_files():
        raise SourceRefused(_("At most %(count)d source files can be attached.")
                            % {"count": max_files()})
    total = sum(len(s.data) for s in sources)
    if total > max_total_bytes():
        raise SourceRefused(_("The source files come to %(size)s MB together; the limit is "
                              "%(limit)s MB.") % {"size": total // (1024 * 1024),
                                                  "limit": max_total_bytes() // (1024 * 1024)})
    return [(source, check(source)) for source in sources]


def check(source: SourceFile) -> str:
    """The kind of `source` ('pdf', 'docx', 'pptx', 'xlsx', 'csv', 'text') once it passes."""
    suffix = PurePath(source.name).suffix.lower()
    if suffix in MACRO_SUFFIXES:
        raise refuse(source.name, _("files with macros are not accepted; save it without "
                                    "macros (.docx, .xlsx, .pptx)"))
    if suffix in OLD_BINARY:
        raise refuse(source.name, _("the old binary Office format is not accepted; save it as "
                                    ".docx, .xlsx or .pptx"))
    kind = KINDS.get(suffix)
    if kind is None:
        raise refuse(source.name, _("not a supported source (PDF, Word, PowerPoint, Excel, CSV, "
                                    "Markdown or plain text)"))
    if len(source.data) > max_file_bytes():
        raise refuse(source.name, too_big())
    if not source.data.strip():
        raise refuse(source.name, _("the file is empty"))
    if kind in OOXML_MAIN:
        check_ooxml(source, kind)
    elif kind == "pdf" and not source.data.lstrip()[:5] == b"%PDF-":
        raise refuse(source.name, _("this is not a PDF file"))
    return kind


def too_big() -> str:
    return _("the file is larger than %(limit)d MB") % {"limit": max_file_bytes() // (1024 * 1024)}


def check_ooxml(source: SourceFile, kind: str) -> None:
    """Refuse an Office file that is not a sound zip, holds macros, or inflates too far.

    Every member is inflated once as a stream with its real bytes counted (the
    design-upload rules of `generator.intake.safezip`), so the reader that opens it
    afterwards cannot be led past the limits by lying headers.
    """
    if source.data.startswith(_OLE_MAGIC):
        raise refuse(source.name, _("the file is password-protected or in an old format; "
                                    "remove the password and save it again"))
    with tempfile.NamedTemporaryFile(suffix=".zip") as handle:
        handle.write(source.data)
        handle.flush()
        try:
            archive = safezip.open_archive(Path(handle.name))
        except safezip.ZipRefused:
            raise refuse(source.name, _("the file is damaged or not an Office file")) from None
        with archive:
            _check_members(source, kind, archive)


def _check_members(source: SourceFile, kind: str, archive: zipfile.ZipFile) -> None:
    names = set()
    left = max_inflated_bytes()
    too_big = _("the file inflates past %(limit)d MB") % {"limit": max_inflated_bytes() // 2**20}
    try:
        for info in archive.infolist():
            safezip.check_entry(info)
            lower = info.filename.lower()
            if lower.endswith(("vbaproject.bin", "vbadata.xml")) or "/activex/" in lower:
                raise refuse(source.name, _("the file holds macros or ActiveX controls; save "
                                            "it without them"))
            size = sum(len(chunk) for chunk in safezip.stream(archive, info, limit=left,
                                                               too_big=too_big))
            left -= size
            names.add(info.filename)
        types = safezip.read(archive, archive.getinfo("[Content_Types].xml"),
                             limit=1024 * 1024, too_big=too_big)
    except safezip.ZipRefused as exc:
        raise refuse(source.name, str(exc)) from None
    except KeyError:
        raise refuse(source.name, _("the file is damaged or not an Office file")) from None
    if b"macroenabled" in types.lower():
        raise refuse(source.name, _("the file holds macros; save it without them"))
    if OOXML_MAIN[kind] not in names:
        raise refuse(source.name, _("the file's contents do not match its name (.%(kind)s)")
                     % {"kind": kind})
