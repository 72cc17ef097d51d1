"""Revise one slide by instruction: one model call, a new version, every other slide as it was.

The model sees the deck's titles (for context), the slide as JSON and the
instruction, plus the passages it cites and those most relevant to the
instruction; it answers with that one slide.  A chart tied to spreadsheet
cells keeps its numbers from the cells whatever chart type the model picks.
The new version's spec is the old one with that slide replaced, so the other
slides render exactly as before.
"""

from __future__ import annotations

import json

from django.db import transaction
from django.utils.translation import gettext as _
from pydantic import ValidationError

from generator.decks import lifecycle
from generator.errors import DraftingError, GeneratorError, SpecError
from generator.llm import chat
from generator.llm.drafting import pictureless_schema, strict_schema, strip_nulls
from generator.material import pack, prompts, review
from generator.material.cells import CellData
from generator.material.select import choose
from generator.models import GeneratedPresentation
from generator.spec import DeckSpec, load_spec

MAX_INSTRUCTION_CHARS = 1000

_SYSTEM = """You are a senior consultant revising one slide of a finished deck. Apply the
instruction to this slide only and return it complete as {{"slide": ...}} in the deck schema.
Keep what the instruction does not touch. Keep an action title. Use only numbers from the
slide, the material or the instruction; cite material ids in "source". Write in {language}."""


def slide_schema() -> dict:
    """The strict schema of {"slide": <any slide kind>}, from the DeckSpec schema."""
    deck = pictureless_schema()
    return strict_schema({
        "type": "object", "properties": {"slide": deck["properties"]["slides"]["items"]},
        "required": ["slide"], "$defs": deck["$defs"]})


def messages(spec: DeckSpec, number: int, instruction: str, material: pack.Material) -> list:
    slide = spec.slides[number - 1].model_dump(mode="json", exclude_defaults=True)
    titles = "\n".join(f"{i}. {getattr(s, 'title', '')}" for i, s in
                       enumerate(spec.slides, start=1))
    language = "Japanese" if spec.lang == "ja" else "English"
    user = (f"Deck: {spec.title}\n{titles}\n\nSlide {number}:\n"
            f"{json.dumps(slide, ensure_ascii=False, indent=1)}\n\nInstruction: {instruction}")
    if material:
        query = f"{instruction} {json.dumps(slide, ensure_ascii=False)}"
        chosen = choose(material.passages, query,
                        budget_tokens=prompts.budget("MATERIAL_REVISION_TOKENS"))
        user += "\n\nMaterial:\n" + prompts.passage_block(chosen)
    return [{"role": "system", "content": _SYSTEM.format(language=language)},
            {"role": "user", "content": user}]


def revise(spec: DeckSpec, number: int, instruction: str, *, material: pack.Material,
           presentation=None, user=None, cells=None) -> DeckSpec:
    """`spec` with slide `number` (1-based) revised by the model: exactly one call."""
    instruction = (instruction or "").strip()
    if not instruction:
        raise GeneratorError(_("Say what to change on the slide."))
    if len(instruction) > MAX_INSTRUCTION_CHARS:
        raise GeneratorError(_("The instruction is longer than %(limit)d characters.")
                             % {"limit": MAX_INSTRUCTION_CHARS})
    if not 1 <= number <= len(spec.slides):
        raise GeneratorError(_("There is no slide %(number)d (the deck has %(count)d).")
                             % {"number": number, "count": len(spec.slides)})
    reply = chat.call_json(messages(spec, number, instruction, material), name="slide",
                          schema=slide_schema(), purpose="revise", presentation=presentation,
                          user=user, use_cache=False)
    slide = strip_nulls(reply.data).get("slide")
    if not isinstance(slide, dict):
        raise DraftingError(_("The model's answer holds no slide."))
    if cells is not None and slide.get("kind") in ("chart", "table"):
        slide = _from_cells(slide, cells, material)
    data = spec.model_dump(mode="json", exclude_defaults=True)
    data["slides"][number - 1] = slide
    try:
        return load_spec(data)
    except SpecError as exc:
        raise DraftingError(_("The revised slide is not valid: %(problems)s")
                            % {"problems": "; ".join(m for _, m in exc.problems[:5])}) from None


def _from_cells(slide: dict, cells, material) -> dict:
    """A chart or table slide whose numbers come from the cells it was built from."""
    chart_type = (slide.get("chart") or {}).get("type") if slide["kind"] == "chart" else "table"
    try:
        data = CellData.model_validate({**cells, "chart": chart_type or cells.get("chart")})
    except ValidationError:
        return slide
    content = prompts.cell_content(data, material)
    if content and "chart" in content and slide["kind"] == "chart":
        slide["chart"] = content["chart"]
    elif content and "columns" in content and slide["kind"] == "table":
        slide.update(columns=content["columns"], rows=content["rows"])
    return slide


def revise_presentation(row: GeneratedPresentation, *, number: int, instruction: str,
                        user=None) -> GeneratedPresentation:
    """A new version of `row` with one slide revised, queued for rendering.

    Raises `GeneratorError` (no finished deck, bad slide number, the model's
    slide invalid) with nothing stored.
    """
    if row.status != GeneratedPresentation.Status.DONE or not row.spec:
        raise GeneratorError(_("Only a finished deck can be revised."))
    material = pack.load(row.pk)
    spec = load_spec(row.spec)
    cells = _cells_of(row, number)
    revised = revise(spec, number, instruction, material=material, presentation=row,
                     user=user, cells=cells)
    with transaction.atomic():
        new = lifecycle.queue_deck(owner=row.owner, spec=revised, source_kind=row.source_kind,
                                   source_text=row.source_text, asset=row.asset, parent=row)
        if material:
            pack.store(new.pk, material)
    return new


def _cells_of(row: GeneratedPresentation, number: int) -> dict | None:
    """The cell range a storyline slide was tied to, when the storyline maps slide for slide."""
    slides = (row.storyline or {}).get("slides") or []
    if len(slides) != len((row.spec or {}).get("slides") or []) or number > len(slides):
        return None
    return slides[number - 1].get("data")


def flags_for(spec: DeckSpec, row: GeneratedPresentation) -> dict[int, list[str]]:
    """Numbers on the revised deck that appear in no source (or the brief)."""
    return review.deck_flags(spec.model_dump(mode="json"), pack.load(row.pk), row.source_text)
