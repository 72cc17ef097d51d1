"""Issue 12, measured: how much of the body each slide kind uses, and whether every word
reads on what is behind it, on the every-kind example decks.

Run:  .venv/bin/python bench/every_kind.py [--tree DIR] [--before DIR]
          [--templates ../shared/corpus/templates] [--sheet docs/contact-sheet-every-kind.png]
          [--work DIR] [--langs en ja]

Decks: examples/every-kind.<lang>.md of the tree, in the built-in design and (with
--templates) in each template, learned as bench/template_decks.py does.  `--tree DIR`
renders with the code (and examples) of another checkout: its own generator, run in a
subprocess with DIR first on the path and a temporary DATA_DIR, so "before" and "after"
are measured by this one script (`git -C . archive <commit> | tar -x -C DIR`).  The
pictures come from LibreOffice; the measuring is this tree's (`lint.rendered.inspect_pictures`,
one bare render per deck, as in production).

Body occupancy, per slide, inside the design's body frame (`design.frames.body`, the learned
one for a template): ink is where the slide's picture differs from the picture of its
layout left empty (the template's own graphics and background alone).  `span` is the share
of the body's height between the first and the last row with ink; `area` the share of the
body covered by the ink's bounding box; `empty` is 1 - area.  Checks (the issue's "done
when"): text-led slides (message, executive summary, two-column, agenda, next steps) with
at least 3 bullets span >= 60 %; chart and table slides (chart, growth-share, table) leave
at most a third of the body empty.

Word contrast: every text line of a shape, every word of a chart or a table, its drawn
colour against what is behind it (`inspect_pictures(...).contrasts`); listed when below 3:1.
`--before DIR` prints the figures of the tree at DIR beside this one.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEXT_LED = {"message", "executive_summary", "two_column", "agenda", "next_steps"}
CHART_OR_TABLE = {"chart", "growth_share", "table"}
MIN_TEXT_SPAN, MAX_EMPTY, MIN_CONTRAST = 0.60, 1 / 3, 3.0
INK_LEVEL = 24  # channel difference from the empty layout: content (pale fills included)
INK_PER_ROW = 2  # pixels a row needs to count as ink (one stray pixel is not content)
THUMB = (240, 135)


# -- rendering, inside the measured tree (a subprocess: its own generator) ---------------
def _bullets(slide) -> int:
    kind = slide.kind
    if kind in ("message", "executive_summary"):
        return len(slide.points)
    if kind == "two_column":
        return len(slide.left.points) + len(slide.right.points)
    if kind == "agenda":
        return len(slide.items)
    if kind == "next_steps":
        return len(slide.actions)
    return 0


def render_in_tree(tree: Path, out: Path, templates: list[Path], langs: list[str]) -> None:
    """Generate every deck with the generator of `tree` (imported from there) and write
    out/manifest.json: per deck its file, body frame, slide size and slide kinds."""
    os.environ.update(DJANGO_SETTINGS_MODULE="bcgslides.settings", DATA_DIR=str(out / "data"))
    sys.path.insert(0, str(tree))
    os.chdir(tree)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from generator.design import default_design
    from generator.learning.learn import learn_design
    from generator.learning.learned_design import design_for_asset
    from generator.outline import read_outline
    from generator.render import render_to_file

    designs = [("built-in", default_design())]
    designs += [(path.stem, design_for_asset(learn_design(path=path))) for path in templates]
    decks = []
    for name, design in designs:
        for lang in langs:
            spec = read_outline((tree / "examples" / f"every-kind.{lang}.md").read_text("utf-8"))
            path = out / f"{name}.{lang}.pptx"
            try:
                count = render_to_file(spec, path, design).slide_count
            except Exception as exc:  # a template must never stop the bench: say so
                print(f"{name} [{lang}] FAILED: {exc}", file=sys.stderr)
                continue
            kinds = [{"kind": s.kind, "bullets": _bullets(s)} for s in spec.slides]
            body = design.frames.body
            decks.append({"design": name, "lang": lang, "pptx": str(path),
                          "slide": [design.slide_width, design.slide_height],
                          "body": [body.left, body.top, body.width, body.height],
                          "slides": kinds if len(kinds) == count else
                          [{"kind": "?", "bullets": 0}] * count})
    (out / "manifest.json").write_text(json.dumps(decks, indent=1), "utf-8")


def _render(tree: Path, out: Path, templates: list[Path], langs: list[str]) -> list[dict]:
    out.mkdir(parents=True, exist_ok=True)
    manifest = out / "manifest.json"
    if not manifest.is_file():  # rendered once per work folder
        venv = tree / ".venv" / "bin" / "python"
        python = str(venv) if venv.is_file() else sys.executable
        command = [python, str(Path(__file__).resolve()), "--render-in", str(tree),
                   "--out", str(out), "--langs", *langs]
        command += ["--template-files", *map(str, templates)] if templates else []
        env = {**os.environ, "PYTHONPATH": str(tree)}
        env.pop("DATABASE_URL", None)
        subprocess.run(command, check=True, env=env, cwd=tree)
    return json.loads(manifest.read_text("utf-8"))


# -- measuring, with this tree's code ----------------------------------------------------
def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bcgslides.settings")
    os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="bench-every-kind-"))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def occupancy(picture, empty, body_px: tuple[int, int, int, int]) -> dict:
    """Share of the body box `body_px` (left, top, right, bottom in pixels of `picture`)
    that content occupies: where `picture` differs from `empty` (the same slide without
    content) by at least INK_LEVEL in a channel."""
    from PIL import ImageChops

    if empty.size != picture.size:
        empty = empty.resize(picture.size)
    left, top = max(body_px[0], 0), max(body_px[1], 0)
    right, bottom = min(body_px[2], picture.width), min(body_px[3], picture.height)
    diff = ImageChops.difference(picture.crop((left, top, right, bottom)),
                                 empty.crop((left, top, right, bottom))).convert("L")
    ink = diff.point(lambda v: 255 if v >= INK_LEVEL else 0)
    width, height = ink.size
    data = ink.load()
    rows = [y for y in range(height)
            if sum(1 for x in range(width) if data[x, y]) >= INK_PER_ROW]
    if not rows:
        return {"span": 0.0, "area": 0.0, "empty": 1.0}
    columns = ink.crop((0, rows[0], width, rows[-1] + 1)).getbbox()
    span = (rows[-1] - rows[0] + 1) / height
    area = span * (columns[2] - columns[0]) / width if columns else 0.0
    return {"span": span, "area": area, "empty": 1 - area}


def measure(decks: list[dict], work: Path) -> list[dict]:
    """Per deck: slide pictures, the rendered inspection, occupancy per slide, contrasts."""
    from generator.lint.rendered import inspect_pictures
    from generator.previews.soffice import render_thumbnails

    results = []
    for deck in decks:
        pptx = Path(deck["pptx"])
        pictures = render_thumbnails(pptx, work / f"{pptx.stem}.pictures")
        report = inspect_pictures(pptx, pictures)
        slides = []
        with_pictures = zip(deck["slides"], pictures, report.empties, strict=False)
        for number, (info, picture, empty) in enumerate(with_pictures, start=1):
            from PIL import Image

            with Image.open(picture) as image:
                seen = image.convert("RGB")
            sx, sy = seen.width / deck["slide"][0], seen.height / deck["slide"][1]
            left, top, width, height = deck["body"]
            box = (round(left * sx), round(top * sy), round((left + width) * sx),
                   round((top + height) * sy))
            measured = occupancy(seen, empty, box) if empty is not None else {}
            slides.append({"number": number, **info, **measured})
        words = [{"slide": c.slide, "shape": c.shape, "where": c.where, "ratio": c.ratio,
                  "color": c.color, "behind": c.behind} for c in report.contrasts]
        results.append({**deck, "measured": slides, "words": words,
                        "pictures": [str(p) for p in pictures],
                        "issues": [vars(i) for i in report.issues]})
    (work / "measured.json").write_text(json.dumps(results, indent=1), "utf-8")
    return results


# -- reporting -------------------------------------------------------------------------
def _failures(deck: dict) -> list[str]:
    out = []
    for slide in deck["measured"]:
        if "span" not in slide:
            continue
        if slide["kind"] in TEXT_LED and slide["bullets"] >= 3 and slide["span"] < MIN_TEXT_SPAN:
            out.append(f"slide {slide['number']} {slide['kind']}: text spans "
                       f"{slide['span']:.0%} of the body (< {MIN_TEXT_SPAN:.0%})")
        if slide["kind"] in CHART_OR_TABLE and slide["empty"] > MAX_EMPTY + 1e-9:
            out.append(f"slide {slide['number']} {slide['kind']}: {slide['empty']:.0%} of the "
                       f"body empty (> 33 %)")
    return out


def _by_kind(results: list[dict]) -> dict[str, dict[str, float]]:
    spans, areas = defaultdict(list), defaultdict(list)
    for deck in results:
        for slide in deck["measured"]:
            if "span" in slide:
                spans[slide["kind"]].append(slide["span"])
                areas[slide["kind"]].append(slide["area"])
    return {kind: {"n": len(spans[kind]), "span": sum(spans[kind]) / len(spans[kind]),
                   "min_span": min(spans[kind]), "area": sum(areas[kind]) / len(areas[kind]),
                   "min_area": min(areas[kind])} for kind in spans}


def _low_words(deck: dict) -> list[dict]:
    return [w for w in deck["words"] if w["ratio"] < MIN_CONTRAST - 0.005]


def report(results: list[dict], before: list[dict] | None) -> None:
    now = _by_kind(results)
    then = _by_kind(before) if before else {}
    print("\nBody occupancy per slide kind (mean and min over all decks; span = share of the "
          "body's height with content, area = bounding box share)")
    head = f"{'kind':<18}{'n':>4}{'span':>7}{'min':>6}{'area':>7}{'min':>6}"
    print(head + ("   | before: span   min  area   min" if then else ""))
    for kind in sorted(now):
        row = now[kind]
        line = (f"{kind:<18}{row['n']:>4}{row['span']:>7.0%}{row['min_span']:>6.0%}"
                f"{row['area']:>7.0%}{row['min_area']:>6.0%}")
        if kind in then:
            old = then[kind]
            line += (f"   |        {old['span']:>5.0%}{old['min_span']:>6.0%}"
                     f"{old['area']:>6.0%}{old['min_area']:>6.0%}")
        print(line)
    old_decks = {(d["design"], d["lang"]): d for d in before or []}
    print("\nPer deck: occupancy checks failed, words below 3:1, lowest word contrast")
    for deck in results:
        old = old_decks.get((deck["design"], deck["lang"]))
        low, fails = _low_words(deck), _failures(deck)
        lowest = min((w["ratio"] for w in deck["words"]), default=float("nan"))
        line = (f"{deck['design'][:40]:<40} [{deck['lang']}] occupancy fails {len(fails):>2}, "
                f"words < 3:1 {len(low):>2}, min {lowest:.2f}:1")
        if old is not None:
            old_low = min((w["ratio"] for w in old["words"]), default=float("nan"))
            line += (f"   | before: fails {len(_failures(old)):>2}, < 3:1 "
                     f"{len(_low_words(old)):>2}, min {old_low:.2f}:1")
        print(line)
        for text in fails:
            print(f"    {text}")
        for word in low:
            print(f"    slide {word['slide']} '{word['shape']}' {word['where']}: "
                  f"#{word['color']} on #{word['behind']} {word['ratio']:.2f}:1")
    total = sum(len(_failures(d)) + len(_low_words(d)) for d in results)
    print(f"\nDone-when checks: {'all pass' if total == 0 else f'{total} failures'}")


def contact_sheet(results: list[dict], out: Path, columns: int = 8) -> None:
    """All slides of the built-in decks in a grid, one block per language."""
    from PIL import Image, ImageDraw

    decks = [d for d in results if d["design"] == "built-in"]
    gap, label = 6, 22
    blocks = [(d["lang"], d["pictures"]) for d in decks]
    rows = [(len(p) + columns - 1) // columns for _, p in blocks]
    width = gap + columns * (THUMB[0] + gap)
    height = sum(label + r * (THUMB[1] + gap) for r in rows) + gap
    sheet = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(sheet)
    top = gap
    for (lang, pictures), count in zip(blocks, rows, strict=True):
        draw.text((gap, top + 4), f"every-kind.{lang}.md, built-in design", fill="black")
        top += label
        for index, path in enumerate(pictures):
            with Image.open(path) as picture:
                thumb = picture.convert("RGB").resize(THUMB)
            left = gap + (index % columns) * (THUMB[0] + gap)
            y = top + (index // columns) * (THUMB[1] + gap)
            sheet.paste(thumb, (left, y))
            draw.rectangle((left, y, left + THUMB[0] - 1, y + THUMB[1] - 1),
                           outline=(200, 200, 200))
            draw.text((left + 3, y + 2), str(index + 1), fill=(200, 0, 0))
        top += count * (THUMB[1] + gap)
    out.parent.mkdir(parents=True, exist_ok=True)
    sheet.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(out, optimize=True)


def run_tree(tree: Path, work: Path, templates: list[Path], langs: list[str]) -> list[dict]:
    cached = work / "measured.json"
    if cached.is_file():
        return json.loads(cached.read_text("utf-8"))
    decks = _render(tree, work / "decks", templates, langs)
    return measure(decks, work)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tree", type=Path, default=ROOT)
    parser.add_argument("--before", type=Path, default=None, help="a tree to compare with")
    parser.add_argument("--templates", type=Path, default=None)
    parser.add_argument("--langs", nargs="+", default=["en", "ja"])
    parser.add_argument("--sheet", type=Path, default=None, help="contact sheet of the tree")
    parser.add_argument("--before-sheet", type=Path, default=None)
    parser.add_argument("--work", type=Path, default=None,
                        help="keep decks, pictures and measures here (reused when present)")
    parser.add_argument("--render-in", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--template-files", nargs="*", type=Path, default=[],
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.render_in is not None:
        render_in_tree(args.render_in.resolve(), args.out.resolve(), args.template_files,
                       args.langs)
        return
    templates = sorted(args.templates.resolve().glob("*.pptx")) if args.templates else []
    work = (args.work or Path(tempfile.mkdtemp(prefix="bench-every-kind-"))).resolve()
    _setup()
    results = run_tree(args.tree.resolve(), work / "now", templates, args.langs)
    before = (run_tree(args.before.resolve(), work / "before", templates, args.langs)
              if args.before else None)
    report(results, before)
    if args.sheet:
        contact_sheet(results, args.sheet)
    if args.before_sheet and before:
        contact_sheet(before, args.before_sheet)


if __name__ == "__main__":
    main()
