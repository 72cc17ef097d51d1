"""A deck's material: its documents' passages and sheet tables, kept beside the deck's row.

Built once when the sources are attached (the files themselves are not kept:
only what was read from them), stored in the shared files as
`material/<row id>.json`, and read again by the storyline, the fill, the
review page and revisions.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from generator import files
from generator.material.intake import SourceFile, check_all
from generator.material.numbers import Known
from generator.material.passages import Passage, SheetTable, split
from generator.material.readers import read

PREFIX = "material"


@dataclass
class Material:
    documents: list[dict] = field(default_factory=list)  # name, kind, pages
    passages: list[Passage] = field(default_factory=list)
    tables: list[SheetTable] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.documents)

    def passage(self, pid: str) -> Passage | None:
        return next((p for p in self.passages if p.id == pid), None)

    def table(self, tid: str) -> SheetTable | None:
        return next((t for t in self.tables if t.id == tid), None)

    def known_numbers(self, *extra_texts: str) -> Known:
        known = Known()
        for passage in self.passages:
            known.add_text(passage.text)
        for table in self.tables:
            for row in table.rows:
                for value in row:
                    if isinstance(value, float):
                        known.add_value(value)
        for text in extra_texts:
            known.add_text(text)
        return known

    def as_dict(self) -> dict:
        return {"documents": self.documents, "passages": [asdict(p) for p in self.passages],
                "tables": [t.as_dict() for t in self.tables]}

    @classmethod
    def from_dict(cls, data: dict) -> Material:
        return cls(documents=list(data.get("documents", [])),
                   passages=[Passage(**p) for p in data.get("passages", [])],
                   tables=[SheetTable(**t) for t in data.get("tables", [])])

    def total_text(self) -> str:
        """Everything, as if the whole material were sent (the bench's baseline)."""
        return "\n\n".join(f"[{p.id}] {p.label()}\n{p.text}" for p in self.passages)


def build(sources: list[SourceFile]) -> Material:
    """Check and read every source; raises `SourceRefused` naming the first bad file."""
    documents = [read(source, kind) for source, kind in check_all(sources)]
    passages, tables = split(documents)
    return Material(documents=[{"name": d.name, "kind": d.kind, "pages": d.pages}
                               for d in documents], passages=passages, tables=tables)


def name_for(presentation_id: int) -> str:
    return f"{PREFIX}/{presentation_id}.json"


def store(presentation_id: int, material: Material) -> None:
    with tempfile.TemporaryDirectory() as work:
        local = Path(work) / "material.json"
        local.write_text(json.dumps(material.as_dict(), ensure_ascii=False), encoding="utf-8")
        files.replace(local, name_for(presentation_id))


def load(presentation_id: int | None) -> Material:
    """The row's material, or an empty one when it has none."""
    if presentation_id is None or not files.exists(name_for(presentation_id)):
        return Material()
    with files.open(name_for(presentation_id)) as handle:
        return Material.from_dict(json.loads(handle.read().decode("utf-8")))


def delete(presentation_id: int) -> None:
    files.delete(name_for(presentation_id))
