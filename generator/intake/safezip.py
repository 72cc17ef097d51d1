"""Reading an untrusted zip archive within fixed limits, whatever its headers claim.

A zip's headers can lie: a member declared as 900 bytes may inflate to
gigabytes, and bzip2 or lzma members inflate a whole read in one call (no
output cap in `zipfile`).  So only the two methods PowerPoint writes (stored
and deflated) are accepted, the central directory is sized before `zipfile`
parses it, and every member is read as a stream whose real inflated bytes are
counted and cut off at the limit.  Every failure is a `ZipRefused` with a
sentence for the user.  `path_fault` is the one set of rules for a member name
that is safe to extract; the backups' archives (`operations.archive`) use it too.
"""

from __future__ import annotations

import stat
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from generator.errors import InvalidDeckFile

ALLOWED_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
MAX_CENTRAL_DIRECTORY = 4 * 1024 * 1024  # ~ 40,000 entries; PowerPoint needs ~ 80 B each
MAX_NAME_LENGTH = 1024
CHUNK = 64 * 1024
RATIO_FLOOR = 1024 * 1024  # the ratio check starts past 1 MB of real output
MAX_RATIO = 100  # real inflated bytes / compressed bytes, past RATIO_FLOOR
ABSOLUTE, ESCAPES, LINK = "absolute", "escapes", "link"  # what `path_fault` finds
_EOCD = b"PK\x05\x06"
_EOCD_SIZE = 22
# what zipfile and zlib raise on a damaged archive or member
READ_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError,
               ValueError, struct.error, NotImplementedError, RuntimeError, KeyError,
               IndexError, OverflowError)


class ZipRefused(InvalidDeckFile):
    """The archive breaks a rule; the message is a sentence for the user."""


def open_archive(path: Path) -> zipfile.ZipFile:
    """`zipfile.ZipFile` over `path`, after sizing its central directory from the end record."""
    _check_end_record(path)
    try:
        return zipfile.ZipFile(path)
    except READ_ERRORS:
        raise ZipRefused(_("This is not a PowerPoint file: it is not a zip archive, or it is "
                           "truncated.")) from None


def _check_end_record(path: Path) -> None:
    size = path.stat().st_size
    with path.open("rb") as handle:
        handle.seek(max(size - (_EOCD_SIZE + 65535), 0))
        tail = handle.read()
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < _EOCD_SIZE:
        raise ZipRefused(_("This is not a PowerPoint file: it is not a zip archive, or it is "
                           "truncated."))
    central_size = struct.unpack("<L", tail[at + 12:at + 16])[0]
    # 0xFFFFFFFF marks a zip64 record: its directory would be over 4 GB, far past any deck
    if central_size > MAX_CENTRAL_DIRECTORY:
        raise ZipRefused(_("The archive's table of contents is too large for a presentation."))


def check_layout(infos: list[zipfile.ZipInfo]) -> None:
    """Refuse members whose data overlap (one member's bytes read again as another's: the
    overlapping zip bomb, which multiplies what a small file inflates to)."""
    end = 0
    for info in sorted(infos, key=lambda i: i.header_offset):
        if info.header_offset < end:
            raise ZipRefused(_("Parts of the archive overlap one another: refused as a zip "
                               "bomb."))
        try:
            name_length = len(info.orig_filename.encode("utf-8" if info.flag_bits & 0x800
                                                        else "cp437"))
        except UnicodeEncodeError:
            name_length = len(info.orig_filename.encode("utf-8"))
        end = info.header_offset + 30 + name_length + info.compress_size


def check_entry(info: zipfile.ZipInfo) -> None:
    """Refuse a member by its central-directory entry: name, link, encryption, method."""
    name = info.filename
    shown = display_name(name)
    if not name or len(name) > MAX_NAME_LENGTH or any(ord(c) < 32 for c in name):
        raise ZipRefused(_("The archive holds a part with an invalid name (%(name)s).")
                         % {"name": shown})
    fault = path_fault(info)
    if fault == ABSOLUTE:
        raise ZipRefused(_("The archive holds an absolute path (%(name)s).") % {"name": shown})
    if fault == ESCAPES:
        raise ZipRefused(_("The archive holds a path that escapes its folder (%(name)s).")
                         % {"name": shown})
    if fault == LINK:
        raise ZipRefused(_("The archive holds a link (%(name)s).") % {"name": shown})
    if info.flag_bits & 0x1:
        raise ZipRefused(_("Parts of the archive are encrypted: remove the password and save "
                           "the file again."))
    if info.compress_type not in ALLOWED_METHODS:
        raise ZipRefused(_("The archive uses a compression method PowerPoint never writes "
                           "(%(name)s): open the file in PowerPoint and save it again.")
                         % {"name": shown})


def path_fault(info: zipfile.ZipInfo) -> str | None:
    """What makes a member unsafe to extract, the same rules for uploads and backups:
    `ABSOLUTE` (a leading slash or backslash, a drive letter), `ESCAPES` (a backslash,
    a `..` part, an empty or `.` name), `LINK` (a symbolic link); None when it is safe."""
    name = info.filename
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return ABSOLUTE
    if "\\" in name or ".." in name.split("/") or name in ("", "."):
        return ESCAPES
    if stat.S_ISLNK(info.external_attr >> 16):
        return LINK
    return None


def stream(archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, limit: int,
           too_big: Callable[[], str]) -> Iterator[bytes]:
    """The inflated bytes of a member in chunks, cut off past `limit` real bytes.

    `too_big()` is the message when the member passes `limit`.  A member that
    inflates more than `MAX_RATIO` times its compressed size past 1 MB is a
    bomb.  Damage (a corrupt deflate stream, a bad CRC) is a `ZipRefused`.
    """
    count = 0
    ceiling = MAX_RATIO * max(info.compress_size, 1)
    try:
        with archive.open(info) as member:
            while chunk := member.read(CHUNK):
                count += len(chunk)
                if count > limit:
                    raise ZipRefused(too_big())
                if count > RATIO_FLOOR and count > ceiling:
                    raise ZipRefused(bomb_message(info.filename))
                yield chunk
    except READ_ERRORS:
        raise ZipRefused(_("The file is damaged (%(name)s cannot be read): open it in "
                           "PowerPoint and save it again.")
                         % {"name": display_name(info.filename)}) from None


def read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, limit: int,
         too_big: Callable[[], str]) -> bytes:
    """A member's bytes, whole (for small parts), within `limit`."""
    return b"".join(stream(archive, info, limit=limit, too_big=too_big))


def bomb_message(name: str) -> str:
    return _("The part %(name)s inflates more than %(ratio)d-fold: refused as a zip bomb.") % {
        "name": display_name(name), "ratio": MAX_RATIO}


def display_name(name: str) -> str:
    """A member name safe to show: printable, at most 80 characters, quoted."""
    if len(name) <= 80 and name.isprintable():
        return f"'{name}'"
    clean = "".join(c if c.isprintable() else "?" for c in name)
    return f"'{clean[:77]}...'" if len(clean) > 80 else f"'{clean}'"
