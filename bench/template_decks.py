"""Decks in real templates: learn each, generate the every-kind examples, lint what a
reader sees, and draw a contact sheet.

Run:  .venv/bin/python bench/template_decks.py [--templates DIR] [--langs en ja]
          [--sheet docs/contact-sheet-templates.png] [--work DIR]
For each template (default: tests/corpus/templates/*.pptx): learning (with the
layout pictures when LibreOffice is here), generation of examples/every-kind.<lang>.md,
the XML lint and the rendered lint (`generator.lint.rendered`) on the slide
pictures.  Prints one line per deck (slides, XML errors, rendered errors by rule)
and writes a contact sheet per language: one row per template, the template's
name on the left, a few slides of each kind (docs/contact-sheet-templates.png for
English, docs/contact-sheet-templates-ja.png for Japanese).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHOWN = (1, 2, 3, 4, 5, 14, 17, 19, 22, 28)  # cover, agenda, summary, section, chart, waterfall...
THUMB = (288, 162)


def _setup(data_dir: str) -> None:
    os.environ.update(DJANGO_SETTINGS_MODULE="bcgslides.settings", DATA_DIR=data_dir)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def run(templates: list[Path], langs: list[str], work: Path) -> dict[str, dict[str, list[Path]]]:
    from generator.learning.learn import learn_design
    from generator.learning.learned_design import design_for_asset
    from generator.lint import lint_file
    from generator.lint.rendered import lint_pictures
    from generator.outline import read_outline
    from generator.previews.soffice import render_thumbnails
    from generator.render import render_to_file

    sheets: dict[str, dict[str, list[Path]]] = {lang: {} for lang in langs}
    for template in templates:
        started = time.perf_counter()
        design = design_for_asset(learn_design(path=template))
        learned = time.perf_counter() - started
        for lang in langs:
            spec = read_outline((ROOT / "examples" / f"every-kind.{lang}.md").read_text("utf-8"))
            out = work / f"{template.stem}.{lang}.pptx"
            try:
                render_to_file(spec, out, design)
            except Exception as exc:  # a template must never make a deck fail: report it
                print(f"{template.name} [{lang}] FAILED: {exc}")
                continue
            xml = lint_file(out)
            pictures = render_thumbnails(out, work / f"{template.stem}.{lang}")
            rendered = lint_pictures(out, pictures)
            rules = Counter(issue.rule for issue in rendered)
            print(f"{template.name} [{lang}] learned in {learned:.1f} s; {xml.slides} slides; "
                  f"XML lint {xml.errors} errors; rendered {len(rendered)} {dict(rules)}")
            for issue in rendered[:5]:
                print(f"    slide {issue.slide} {issue.rule} {issue.shape}: {issue.message}")
            sheets[lang][template.stem] = pictures
    return sheets


def contact_sheet(sheets: dict[str, list[Path]], out: Path) -> None:
    from PIL import Image, ImageDraw

    label_width, gap = 220, 6
    width = label_width + len(SHOWN) * (THUMB[0] + gap)
    height = len(sheets) * (THUMB[1] + gap) + gap
    sheet = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(sheet)
    for row, (name, pictures) in enumerate(sheets.items()):
        top = gap + row * (THUMB[1] + gap)
        words = name.split("__")
        draw.text((8, top + 8), words[-1][:30], fill="black")
        draw.text((8, top + 26), " / ".join(words[:-1])[:34], fill=(90, 90, 90))
        for column, number in enumerate(SHOWN):
            if number - 1 >= len(pictures):
                continue
            with Image.open(pictures[number - 1]) as picture:
                thumb = picture.convert("RGB").resize(THUMB)
            left = label_width + column * (THUMB[0] + gap)
            sheet.paste(thumb, (left, top))
            draw.rectangle((left, top, left + THUMB[0] - 1, top + THUMB[1] - 1),
                           outline=(200, 200, 200))
    out.parent.mkdir(parents=True, exist_ok=True)
    sheet.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(out, optimize=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--templates", type=Path, default=ROOT / "tests/corpus/templates")
    parser.add_argument("--langs", nargs="+", default=["en", "ja"])
    parser.add_argument("--sheet", type=Path, default=ROOT / "docs/contact-sheet-templates.png",
                        help="the English sheet; other languages get -<lang> before .png")
    parser.add_argument("--work", type=Path, default=None,
                        help="keep the decks and slide pictures in this folder (default: a "
                             "temporary one, removed)")
    args = parser.parse_args()
    if args.work is not None:
        args.work.mkdir(parents=True, exist_ok=True)
    with (contextlib.nullcontext(str(args.work)) if args.work is not None
          else tempfile.TemporaryDirectory(prefix="bench-templates-")) as work:
        _setup(str(Path(work) / "data"))
        templates = sorted(args.templates.glob("*.pptx"))
        sheets = run(templates, args.langs, Path(work))
        for lang, pictures in sheets.items():
            out = args.sheet if lang == "en" else args.sheet.with_stem(f"{args.sheet.stem}-{lang}")
            contact_sheet(pictures, out)
            print(f"contact sheet ({lang}): {out}")


if __name__ == "__main__":
    main()
