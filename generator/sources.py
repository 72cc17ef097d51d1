"""Sources to DeckSpecs: `spec_from_source` is the one way an outline or a DeckSpec's JSON
becomes a DeckSpec (the pages, the API, the MCP server, the worker and the command line
all call it); `load_source` and `load_source_bytes` read a file first (size, encoding,
Markdown or JSON)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from generator.errors import SourceError, SpecError
from generator.outline import read_outline
from generator.spec import DeckSpec, load_spec_json

MARKDOWN, SPEC = "markdown", "spec"  # GeneratedPresentation.SourceKind's values

JSON_SUFFIXES = (".json",)
MARKDOWN_SUFFIXES = (".md", ".markdown", ".txt", ".mdown")


@dataclass(frozen=True)
class LoadedSource:
    spec: DeckSpec
    kind: str  # "markdown" or "spec"
    text: str


def spec_from_source(kind: str, text: str, *, base_dir: Path | None = None) -> DeckSpec:
    """Source text of `kind` ("markdown": an outline; "spec": a DeckSpec's JSON) to a
    validated DeckSpec.  `base_dir` is the folder pictures may come from (the command line's,
    or a restyled deck's own); without it a source embeds no picture file.  Raises
    `SpecError` / `OutlineError` naming the line or slide."""
    if kind == SPEC:
        return load_spec_json(text, base_dir=base_dir)
    if kind == MARKDOWN:
        return read_outline(text, base_dir=base_dir)
    raise SpecError(_("unknown source kind %(kind)r") % {"kind": kind})


def load_source(path: Path) -> LoadedSource:
    """Read and parse an outline or DeckSpec file.

    Raises `SourceError` (missing, too big, empty, not UTF-8) or `SpecError`
    / `OutlineError` naming the line or slide.
    """
    path = Path(path)
    if not path.is_file():
        raise SourceError(_("%(name)s: no such file") % {"name": path})
    size = path.stat().st_size
    if size > settings.MAX_SOURCE_BYTES:
        raise SourceError(_("%(name)s: %(size)s bytes; the limit is %(limit)s")
                          % {"name": path, "size": f"{size:,}",
                             "limit": f"{settings.MAX_SOURCE_BYTES:,}"})
    return load_source_bytes(path.read_bytes(), name=path.name, base_dir=path.parent)


def load_source_bytes(data: bytes, *, name: str, base_dir: Path | None = None) -> LoadedSource:
    """Parse source bytes; `name`'s suffix (or the content) says Markdown or JSON."""
    if len(data) > settings.MAX_SOURCE_BYTES:
        raise SourceError(_("%(name)s: %(size)s bytes; the limit is %(limit)s")
                          % {"name": name, "size": f"{len(data):,}",
                             "limit": f"{settings.MAX_SOURCE_BYTES:,}"})
    text = _decode(data, name)
    if not text.strip():
        raise SourceError(_("%(name)s: the file is empty") % {"name": name})
    kind = SPEC if _is_json(name, text) else MARKDOWN
    return LoadedSource(spec=spec_from_source(kind, text, base_dir=base_dir), kind=kind, text=text)


def _decode(data: bytes, name: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(
            _("%(name)s: line %(line)d: not UTF-8 text (byte 0x%(byte)02X at offset "
              "%(offset)d); save the file as UTF-8")
            % {"name": name, "line": line, "byte": data[exc.start], "offset": exc.start}
        ) from None


def _is_json(name: str, text: str) -> bool:
    suffix = Path(name).suffix.lower()
    if suffix in JSON_SUFFIXES:
        return True
    if suffix in MARKDOWN_SUFFIXES:
        return False
    return text.lstrip().startswith("{")
