"""Lint: independent checks on a written deck (ours, a learned template's, or any .pptx).

Rules (severity):
- `overflow` (error): text taller than its box at its effective size (real font
  metrics, CJK-aware wrapping, insets, autofit scale, line and paragraph
  spacing); tolerance 4 % of the box height plus 1 pt.
- `off_slide` (error): a shape (group children and connectors included) extends
  past the slide edges by more than 0.5 pt.
- `min_font` (error): a run set below the minimum size (9 pt by default).
- `contrast` (error): text colour against what is behind it below WCAG 4.5:1.
- `title_lines` (error): an action title over two lines.
- `bullets` (error): more than six top-level bullets in one text body.
- `empty_placeholder`, `no_title`, `no_source`, `alt_text` (warnings).

The generator fits text by design; lint is the check that does not trust it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from pptx import Presentation
from pptx.exc import PackageNotFoundError

from generator.errors import InvalidDeckFile
from generator.lint.checks import SlideChecker

MIN_FONT_PT = 9.0


@dataclass
class Issue:
    slide: int
    shape: str
    rule: str
    severity: str  # "error" | "warning"
    message: str


@dataclass
class LintReport:
    slides: int = 0
    issues: list[Issue] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for issue in self.issues if issue.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for issue in self.issues if issue.severity == "warning")

    def to_dict(self) -> dict:
        return {
            "summary": {"errors": self.errors, "warnings": self.warnings, "slides": self.slides},
            "issues": [asdict(issue) for issue in self.issues],
        }

    def summary_line(self) -> str:
        from django.utils.translation import gettext as _

        return _("%(slides)d slides; lint: %(errors)d errors, %(warnings)d warnings") % {
            "slides": self.slides, "errors": self.errors, "warnings": self.warnings}


def lint_file(path: Path | str, *, min_font_pt: float = MIN_FONT_PT) -> LintReport:
    """Lint a .pptx file; raises `InvalidDeckFile` if it cannot be opened."""
    try:
        prs = Presentation(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise InvalidDeckFile(f"{path}: not a PowerPoint file ({exc})") from None
    except Exception as exc:  # zipfile.BadZipFile, lxml errors
        raise InvalidDeckFile(f"{path}: cannot be read ({exc.__class__.__name__}: {exc})") from None
    return lint_presentation(prs, min_font_pt=min_font_pt)


def lint_presentation(prs, *, min_font_pt: float = MIN_FONT_PT) -> LintReport:
    """Run every rule on every slide of an open python-pptx Presentation."""
    report = LintReport(slides=len(prs.slides))
    for number, slide in enumerate(prs.slides, start=1):
        checker = SlideChecker(prs, slide, number, min_font_pt=min_font_pt)
        for shape, rule, severity, message in checker.run():
            report.issues.append(Issue(number, shape, rule, severity, message))
    return report


__all__ = ["Issue", "LintReport", "lint_file", "lint_presentation", "MIN_FONT_PT"]
