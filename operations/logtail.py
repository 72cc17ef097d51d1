"""The end of a log file, read by seeking backwards: never the whole file."""

from __future__ import annotations

import os
from pathlib import Path

_BLOCK = 8192


def last_lines(path: Path, count: int = 100) -> list[str]:
    """The last `count` lines of `path` (decoded as UTF-8, damaged bytes replaced).

    Reads blocks from the end until enough newlines are seen, so a 10 GB log
    costs a few kilobytes of reading.
    """
    with open(path, "rb") as handle:
        handle.seek(0, os.SEEK_END)
        position = handle.tell()
        data = b""
        while position > 0 and data.count(b"\n") <= count:
            step = min(_BLOCK, position)
            position -= step
            handle.seek(position)
            data = handle.read(step) + data
    lines = data.decode("utf-8", "replace").splitlines()
    return lines[-count:]


def count_errors(path: Path, lines: int = 100) -> int:
    """How many of the last `lines` lines hold an ERROR record."""
    return sum(1 for line in last_lines(path, lines) if " ERROR " in f" {line} ")
