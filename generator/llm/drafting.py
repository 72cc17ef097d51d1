"""Brief -> storyline -> DeckSpec, the way a consulting team drafts a deck.

1. The storyline ("ghost deck"): situation, complication, resolution and one
   action title per slide with its kind — one call.  The user may edit it.
2. The fill: the whole DeckSpec from the storyline and the brief — one call,
   asked for as structured output against the DeckSpec JSON Schema.
3. A repair round if the answer does not validate (or does not fit the
   slides): the errors go back once; then a clear failure.
At most three calls per deck, against the one-call-per-slide pattern.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any, Callable, Literal

from django.conf import settings
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from generator.llm import chat, costs
from generator.material import pack, prompts
from generator.errors import DraftingError, SpecError
from generator.material.cells import CellData
from generator.material.pack import Material
from generator.render import render
from generator.spec import SLIDE_KINDS, DeckSpec, json_schema, load_spec

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_UNSUPPORTED = {"default", "minLength", "maxLength", "minItems", "maxItems", "minimum",
                "maximum", "exclusiveMinimum", "exclusiveMaximum", "pattern", "format",
                "discriminator", "$id", "uniqueItems", "examples", "title"}


class StorylineSlide(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal[SLIDE_KINDS]  # type: ignore[valid-type]
    title: str = Field(min_length=1, max_length=300)
    content: str = Field(default="", max_length=2000,
                         description="what the slide shows: the data, points or diagram")
    sources: list[str] = Field(default_factory=list, max_length=12,
                               description="ids of the passages and tables (P3, T1) it uses")
    data: CellData | None = Field(default=None,
                                  description="a chart or table built from spreadsheet cells")


class Storyline(BaseModel):
    """The ghost deck: the argument before the slides are filled."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=300)
    subtitle: str = ""
    language: Literal["ja", "en"]
    situation: str = ""
    complication: str = ""
    resolution: str = ""
    slides: list[StorylineSlide] = Field(min_length=1, max_length=60)


# -- the brief ---------------------------------------------------------------------------------
def brief_language(brief: str) -> str:
    """'ja' when the brief asks for it or is written in Japanese, else 'en'."""
    match = re.search(r"^\s*(?:language|言語)\s*[:：]\s*(ja|en|日本語|english)", brief, re.I | re.M)
    if match:
        return "ja" if match.group(1).lower() in ("ja", "日本語") else "en"
    return "ja" if len(_CJK.findall(brief)) >= 5 else "en"


def brief_length(brief: str, default: int = 12) -> int:
    match = re.search(r"(\d{1,2})\s*(?:slides|枚|ページ)", brief, re.I)
    return min(max(int(match.group(1)), 3), 40) if match else default


# -- schemas for structured outputs --------------------------------------------------------
def strict_schema(schema: dict) -> dict:
    """A pydantic JSON Schema made acceptable to strict structured outputs.

    Every property becomes required (optional ones nullable), objects close
    with additionalProperties false, oneOf becomes anyOf, const becomes a
    one-value enum, and keywords strict mode rejects are dropped (pydantic
    validation still enforces them afterwards).
    """
    return _strict(copy.deepcopy(schema))


def _strict(node: Any) -> Any:
    if isinstance(node, list):
        return [_strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return {"$ref": node["$ref"]}
    node = {k: v for k, v in node.items() if k not in _UNSUPPORTED}
    if "oneOf" in node:
        node["anyOf"] = node.pop("oneOf")
    if "const" in node:
        node["enum"] = [node.pop("const")]
    for key in ("$defs", "properties"):
        if key in node:
            node[key] = {name: _strict(value) for name, value in node[key].items()}
    for key in ("items", "anyOf", "additionalProperties"):
        if key in node and not isinstance(node[key], bool):
            node[key] = _strict(node[key])
    if node.get("type") == "object" or "properties" in node:
        required = set(node.get("required", []))
        for name, value in node.get("properties", {}).items():
            if name not in required:
                node["properties"][name] = {"anyOf": [value, {"type": "null"}]}
        node["required"] = list(node.get("properties", {}))
        node["additionalProperties"] = False
    return node


def deck_schema() -> dict:
    """The strict DeckSpec schema the model fills (without pictures)."""
    return strict_schema(pictureless_schema())


def pictureless_schema() -> dict:
    """The DeckSpec schema without pictures: a picture names a file in an outline's
    folder, which a drafted or revised deck has none of (it would be refused)."""
    schema = json_schema()
    schema.get("$defs", {}).pop("ImageRef", None)
    for definition in [schema, *schema.get("$defs", {}).values()]:
        if "image" in definition.get("properties", {}):
            del definition["properties"]["image"]
            definition["required"] = [n for n in definition.get("required", []) if n != "image"]
    return schema


def strip_nulls(value: Any) -> Any:
    """Drop null-valued keys (nullable stand-ins for 'use the default'); keep nulls in lists."""
    if isinstance(value, dict):
        return {k: strip_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [strip_nulls(v) for v in value]
    return value


# -- prompts -------------------------------------------------------------------------------
_KIND_GUIDE = """Slide kinds and when to use them:
- cover: first slide. agenda: the sections. section: a divider between sections.
- executive_summary: the whole answer in 3-5 bold points, right after the cover.
- message: one message with 2-5 supporting points (the default).
- two_column: a comparison of two options. table: criteria x options (Harvey balls 0-4, RAG).
- chart: numbers over time or by segment (column, bar, stacked, stacked100, line, pie,
  doughnut, waterfall for bridges, scatter/bubble for relationships).
- matrix: a 2x2 prioritisation. growth_share: the BCG growth-share matrix of a portfolio.
- timeline: milestones or a roadmap. process: 2-7 sequential steps. issue_tree: a logic tree.
- kpi: 1-6 headline numbers. quote: a customer or expert voice. next_steps: action/owner/due.
- appendix: starts the back-up section."""

_STORYLINE_SYSTEM = """You are a partner at a leading strategy consulting firm. Draft the
storyline ("ghost deck") of a presentation before anyone makes slides.
Rules: situation, complication, resolution; the pyramid principle (answer first); one message
per slide; every title is an action title - a full sentence stating the so-what, at most about
{title_chars} characters; titles read top to bottom tell the whole story; use the brief's facts
and label any assumption as such. Start with a cover and an executive summary, end with next
steps. Aim for {length} slides.
{kinds}
Write everything in {language}."""

_FILL_SYSTEM = """You are a senior consultant turning an agreed storyline into finished slides.
Fill every slide of the storyline into the deck schema: keep its order, kinds and action titles
(tighten a title only if it is too long), and give each slide its full content: supporting
points (at most six, short), chart data whose categories and series values line up, table
rows with as many cells as columns, a source line for every chart and table (the brief's
sources, or "Team analysis" / "当社分析"), and one or two sentences of speaker notes.
Use only numbers from the brief, or clearly label estimates. Write everything in {language}."""

_REPAIR = """The JSON you returned does not fit the deck schema or the slides. Problems:
{problems}
Return the complete, corrected JSON object (all slides), changing only what these problems
require."""


def _language_name(code: str) -> str:
    return "Japanese" if code == "ja" else "English"


def storyline_messages(brief: str, material: Material | None = None) -> list[dict]:
    lang = brief_language(brief)
    system = _STORYLINE_SYSTEM.format(length=brief_length(brief), kinds=_KIND_GUIDE,
                                      language=_language_name(lang),
                                      title_chars=45 if lang == "ja" else 90)
    user = brief
    if material:
        system += "\n" + prompts.STORYLINE_RULES
        user = f"{brief}\n\n{prompts.storyline_material(brief, material)}"
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def fill_messages(storyline: Storyline, brief: str,
                  material: Material | None = None) -> list[dict]:
    system = _FILL_SYSTEM.format(language=_language_name(storyline.language))
    user = (f"Brief:\n{brief}\n\nStoryline:\n"
            f"{json.dumps(storyline.model_dump(mode='json'), ensure_ascii=False, indent=1)}")
    if material:
        system += "\n" + prompts.FILL_RULES
        user += "\n\n" + prompts.fill_material(brief, storyline, material)
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def _material_of(material: Material | None, presentation) -> Material:
    """The material given, else the one stored with the row (empty when none)."""
    if material is not None:
        return material
    return pack.load(presentation.pk if presentation is not None else None)


# -- the calls -----------------------------------------------------------------------------------
def draft_storyline(brief: str, *, presentation=None, user=None,
                    material: Material | None = None) -> Storyline:
    """One call: the storyline for `brief` (in the brief's language), from its material."""
    schema = strict_schema(Storyline.model_json_schema())
    material = _material_of(material, presentation)
    reply = chat.call_json(storyline_messages(brief, material), name="storyline", schema=schema,
                          purpose="storyline", presentation=presentation, user=user,
                          max_tokens=4000)
    try:
        storyline = Storyline.model_validate(strip_nulls(reply.data))
    except ValidationError as exc:
        raise DraftingError(f"the storyline from the LLM is not valid: {exc.errors()[:3]}") from None
    return storyline


def _check(data: dict, language: str, storyline: Storyline | None = None,
           material: Material | None = None, fit: Callable[[DeckSpec], object] | None = None
           ) -> DeckSpec:
    """Validate and test-fit a drafted deck (raises SpecError with places), by `fit` (a
    rendering in the design the deck is for), else in the built-in design.

    With material, charts and tables tied to cells are rebuilt from them and
    cited ids become file-and-page source lines first.
    """
    data = strip_nulls(data)
    if material and storyline is not None:
        data = prompts.apply(data, storyline, material)
    data.setdefault("language", language)
    spec = load_spec(data)
    (fit or render)(spec)  # text that cannot fit raises FitError (a SpecError) naming the place
    return spec


def fill_storyline(storyline: Storyline, brief: str, *, presentation=None,
                   user=None, material: Material | None = None,
                   fit: Callable[[DeckSpec], object] | None = None) -> DeckSpec:
    """One call (plus at most one repair): the full DeckSpec for an agreed storyline."""
    schema = deck_schema()
    material = _material_of(material, presentation)
    messages = fill_messages(storyline, brief, material)
    reply = chat.call_json(messages, name="deck", schema=schema, purpose="fill",
                          presentation=presentation, user=user)
    try:
        return _check(reply.data, storyline.language, storyline, material, fit)
    except SpecError as exc:
        problems = "\n".join(f"- {place}: {message}" for place, message in exc.problems[:30])
    repair = messages + [{"role": "assistant", "content": reply.text},
                         {"role": "user", "content": _REPAIR.format(problems=problems)}]
    fixed = chat.call_json(repair, name="deck", schema=schema, purpose="repair",
                          presentation=presentation, user=user, use_cache=False)
    try:
        return _check(fixed.data, storyline.language, storyline, material, fit)
    except SpecError as exc:
        raise DraftingError(
            "the LLM's deck still does not validate after one repair:\n"
            + "\n".join(f"  {place}: {message}" for place, message in exc.problems[:10])
        ) from None


def draft_deck(*, brief: str, presentation=None, user=None,
               material: Material | None = None,
               fit: Callable[[DeckSpec], object] | None = None) -> DeckSpec:
    """Storyline then fill, without a review in between (the CLI and the API)."""
    if not brief or not brief.strip():
        raise DraftingError("the brief is empty")
    material = _material_of(material, presentation)
    storyline = draft_storyline(brief, presentation=presentation, user=user, material=material)
    return fill_storyline(storyline, brief, presentation=presentation, user=user,
                          material=material, fit=fit)


# -- the estimate shown before drafting ----------------------------------------------------------
def estimate(brief: str, material: Material | None = None) -> dict:
    """What drafting this brief will cost at most: three calls (storyline, fill, one repair).

    The storyline prompt is the real one; the fill's is the brief, the material
    budget and a storyline; every call is counted at its full output allowance,
    so the real cost stays below `jpy_max`.
    """
    model = settings.OPENAI_MODEL
    material = material or Material()
    story_prompt = sum(costs.estimate_tokens(m["content"]) for m in storyline_messages(
        brief, material)) + costs.estimate_tokens(json.dumps(Storyline.model_json_schema()))
    fill_material = (min(prompts.budget("MATERIAL_FILL_TOKENS"),
                         costs.estimate_tokens(material.total_text())) if material else 0)
    fill_prompt = (costs.estimate_tokens(_FILL_SYSTEM + brief) + fill_material + 4000
                   + costs.estimate_tokens(json.dumps(deck_schema())))
    output = settings.OPENAI_MAX_OUTPUT_TOKENS
    calls = [(story_prompt, 4000), (fill_prompt, output), (fill_prompt + output, output)]
    jpy = sum(costs.cost_jpy(model, prompt=p, completion=c) for p, c in calls)
    typical = sum(costs.cost_jpy(model, prompt=p, completion=c // 3) for p, c in calls[:2])
    fill = sum(costs.cost_jpy(model, prompt=p, completion=c) for p, c in calls[1:])
    return {"model": model, "calls": len(calls), "fill_jpy_max": float(fill),
            "prompt_tokens": sum(p for p, _ in calls), "output_tokens_max": sum(c for _, c in calls),
            "jpy_max": float(jpy), "jpy_typical": float(typical)}


def ceiling() -> float:
    """The most any brief deck can cost at the current model: the longest brief the form
    takes, every material budget full, every call at its full output allowance."""
    base = estimate("x" * 60000)  # 20,000 characters of Japanese facts, as bytes
    material = (prompts.budget("MATERIAL_STORYLINE_TOKENS")
                + 2 * prompts.budget("MATERIAL_FILL_TOKENS"))
    extra = costs.cost_jpy(settings.OPENAI_MODEL, prompt=material, completion=0)
    return round(base["jpy_max"] + float(extra), 2)
