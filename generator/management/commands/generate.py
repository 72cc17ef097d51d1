"""manage.py generate SRC [-o OUT.pptx] [--asset ID] [--brief TEXT | --brief-file F]
[--source FILE ...] [--estimate]"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from generator import files
from generator.decks import generate, lifecycle
from generator.errors import GeneratorError
from generator.llm.drafting import draft_deck, estimate
from generator.management.database import ensure_ready
from generator.material import intake, pack, review
from generator.models import GeneratedPresentation
from generator.sources import load_source


class Command(BaseCommand):
    help = _("Generate a deck from a Markdown outline, a JSON DeckSpec or a brief.")
    # The system checks load every URLconf and admin: a second of work a CLI run
    # doesn't need (they run with `check`, `migrate` and the server).
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("source", nargs="?", help=_("Markdown outline (.md) or DeckSpec (.json)"))
        parser.add_argument("-o", "--output", help=_("where to write the .pptx"))
        parser.add_argument("--asset", type=int, help=_("design asset id (default: built-in)"))
        parser.add_argument("--brief", help=_("a brief to draft the deck from (needs OpenAI)"))
        parser.add_argument("--brief-file", help=_("a file holding the brief"))
        parser.add_argument("--source", action="append", default=[], metavar="FILE", dest="sources",
                            help=_("source material for a brief (PDF, DOCX, PPTX, XLSX, CSV, "
                                   "Markdown, text); repeat for several files"))
        parser.add_argument("--estimate", action="store_true",
                            help=_("print the brief's cost estimate and stop (no model call)"))

    def handle(self, *args, source=None, output=None, asset=None, brief=None, brief_file=None,
               **options):
        ensure_ready(stderr=self.stderr)
        given = [x for x in (source, brief, brief_file) if x]
        if len(given) != 1:
            raise CommandError(_("give exactly one of SRC, --brief or --brief-file"))
        if (options.get("sources") or options.get("estimate")) and source:
            raise CommandError(_("--source and --estimate go with --brief or --brief-file"))
        self._sources = options.get("sources") or []
        self._estimate_only = bool(options.get("estimate"))
        out = Path(output).expanduser().resolve() if output else None
        if out is not None and out.suffix.lower() != ".pptx":
            raise CommandError(_("the output file must end in .pptx: %(path)s") % {"path": out})
        try:
            row = self._generate(source, brief, brief_file, out, asset)
            if row is None:
                return
            # the deck is recorded in the shared files; print a local path to open it by
            printed = out if out is not None else files.local_path(row.file)
        except GeneratorError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(str(printed))
        self._summary(row)

    def _generate(self, source, brief, brief_file, out, asset) -> GeneratedPresentation:
        if source:
            loaded = load_source(Path(source))
            return generate.generate_now(
                spec=loaded.spec, source_kind=loaded.kind, source_text=loaded.text, out=out,
                asset_id=asset, base_dir=Path(source).resolve().parent,
            )
        text = brief or _read_brief(brief_file)
        return self._from_brief(text, out, asset)

    def _from_brief(self, text: str, out, asset) -> GeneratedPresentation | None:
        material = pack.build([intake.from_path(Path(f)) for f in self._sources])
        self._print_estimate(estimate(text, material), material)
        if self._estimate_only:
            return None
        # an unknown asset fails before any paid call; the deck is test-fitted in its design
        fit = generate.Fit(generate.design_for(asset))
        row = lifecycle.start_drafting(brief=text, asset_id=asset)
        try:
            if material:
                pack.store(row.pk, material)
            spec = draft_deck(brief=text, presentation=row, material=material, fit=fit)
            self._print_flags(spec, material, text)
            return generate.generate_now(spec=spec, source_kind="brief", source_text=text,
                                         out=out, asset_id=asset, presentation=row, fit=fit)
        except Exception as exc:
            lifecycle.fail(row.pk, exc)
            raise

    def _print_estimate(self, figures: dict, material) -> None:
        pages = sum(d["pages"] for d in material.documents)
        self.stderr.write(
            _("estimate: at most %(calls)d model calls, ¥%(max).2f at most (about ¥%(typical).2f)"
              "; %(docs)d source files, %(pages)d pages or sheets")
            % {"calls": figures["calls"], "max": figures["jpy_max"],
               "typical": figures["jpy_typical"], "docs": len(material.documents),
               "pages": pages})

    def _print_flags(self, spec, material, brief: str) -> None:
        for number, found in review.deck_flags(spec.model_dump(mode="json"), material,
                                               brief).items():
            self.stderr.write(_("slide %(number)d: numbers found in no source: %(numbers)s")
                              % {"number": number, "numbers": ", ".join(found)})

    def _summary(self, row: GeneratedPresentation) -> None:
        summary = (row.lint_report or {}).get("summary", {})
        self.stdout.write(
            _("%(slides)d slides; lint: %(errors)d errors, %(warnings)d warnings (presentation #%(id)d)")
            % {"slides": row.slide_count, "errors": summary.get("errors", 0),
               "warnings": summary.get("warnings", 0), "id": row.pk}
        )
        for issue in (row.lint_report or {}).get("issues", [])[:10]:
            self.stdout.write(f"  slide {issue.get('slide')}: [{issue.get('severity')}] "
                              f"{issue.get('rule')}: {issue.get('message')}")


def _read_brief(path: str) -> str:
    try:
        text = Path(path).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(_("cannot read the brief file: %(error)s") % {"error": exc}) from None
    if not text:
        raise CommandError(_("the brief file is empty"))
    return text
