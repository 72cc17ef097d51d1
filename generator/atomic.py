"""Writing a local file complete or not at all: the one home of the write-beside-and-rename.

A file is written beside its place under a dot name, flushed to disk and renamed
over the final name: a reader sees the old file (if any) or the whole new one,
never a part, and a failure (an exception, a full disk, a kill) leaves the final
name as it was.  Imports nothing of the project: the shared file store, the
renderer and the backups all write through it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

_CHUNK = 1024 * 1024


@contextmanager
def replacing(final: Path, *, beside: Path | None = None, mode: int = 0o644,
              suffix: str = ".part"):
    """A temporary path to write `final` through (for writers that take a path).

    The path is an empty file created (0600) under a dot name in `beside` (by default
    `final`'s folder, made when missing; it must be on the same filesystem), named
    `.<final name>.<random><suffix>`.  When the block ends it is flushed to disk, given
    `mode` and renamed to `final`; an exception in the block removes it.
    """
    folder = beside if beside is not None else final.parent
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=suffix, dir=folder)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        fsync_file(tmp)
        os.chmod(tmp, mode)
        os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextmanager
def writing_atomically(final: Path, *, mode: int = 0o644, suffix: str = ".part"):
    """A binary file to write `final` through, complete or not at all (see `replacing`)."""
    with replacing(final, mode=mode, suffix=suffix) as tmp, tmp.open("wb") as out:
        yield out
        out.flush()


def copy_atomically(source: Path, final: Path) -> None:
    """Copy the local file `source` to the local path `final`, complete or not at all."""
    with writing_atomically(final) as out, source.open("rb") as reader:
        shutil.copyfileobj(reader, out, _CHUNK)


def fsync_file(path: Path) -> None:
    """Flush the file at `path` to disk."""
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def fsync_folder(folder: Path) -> None:
    """Flush a folder's entries to disk (so that a rename in it survives a power cut)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
