"""SHA-256 of a file read in chunks (never whole into memory): the one home of it.

Imports nothing of the project: uploads (their identity), backups (each member's
checksum) and restores (a member read straight from its zip) all hash through it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import BinaryIO

_CHUNK = 1024 * 1024


def sha256_of(path: Path) -> str:
    """The hex SHA-256 of the file at `path`."""
    with open(path, "rb") as handle:
        return sha256_of_stream(handle)


def sha256_of_stream(handle: BinaryIO) -> str:
    """The hex SHA-256 of what is left to read from the binary stream `handle`."""
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(_CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()
