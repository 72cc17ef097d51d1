"""Reading a source file for `generate`: size, encoding, and whether it is Markdown or JSON."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from generator.errors import SourceError
from generator.spec import DeckSpec, load_spec_json

JSON_SUFFIXES = (".json",)
MARKDOWN_SUFFIXES = (".md", ".markdown", ".txt", ".mdown")


@dataclass(frozen=True)
class LoadedSource:
    spec: DeckSpec
    kind: str  # "markdown" or "spec"
    text: str


def load_source(path: Path) -> LoadedSource:
    """Read and parse an outline or DeckSpec file.

    Raises `SourceError` (missing, too big, empty, not UTF-8) or `SpecError`
    / `OutlineError` naming the line or slide.
    """
    path = Path(path)
    if not path.is_file():
        raise SourceError(f"{path}: no such file")
    size = path.stat().st_size
    if size > settings.MAX_SOURCE_BYTES:
        raise SourceError(f"{path}: {size:,} bytes; the limit is {settings.MAX_SOURCE_BYTES:,}")
    return load_source_bytes(path.read_bytes(), name=path.name, base_dir=path.parent)


def load_source_bytes(data: bytes, *, name: str, base_dir: Path | None = None) -> LoadedSource:
    """Parse source bytes; `name`'s suffix (or the content) says Markdown or JSON."""
    if len(data) > settings.MAX_SOURCE_BYTES:
        raise SourceError(f"{name}: {len(data):,} bytes; the limit is "
                          f"{settings.MAX_SOURCE_BYTES:,}")
    text = _decode(data, name)
    if not text.strip():
        raise SourceError(f"{name}: the file is empty")
    if _is_json(name, text):
        return LoadedSource(spec=load_spec_json(text, base_dir=base_dir), kind="spec", text=text)
    from generator.markdown import read_outline

    return LoadedSource(spec=read_outline(text, base_dir=base_dir), kind="markdown", text=text)


def _decode(data: bytes, name: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(
            f"{name}: line {line}: not UTF-8 text (byte 0x{data[exc.start]:02X} at offset "
            f"{exc.start}); save the file as UTF-8"
        ) from None


def _is_json(name: str, text: str) -> bool:
    suffix = Path(name).suffix.lower()
    if suffix in JSON_SUFFIXES:
        return True
    if suffix in MARKDOWN_SUFFIXES:
        return False
    return text.lstrip().startswith("{")
