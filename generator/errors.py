"""The generator's exceptions: each names what went wrong and where.

Callers map them: commands to `CommandError` with an exit code, views to a 4xx
with the message, tasks to a failed row with the message stored.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext as _

from generator.kind_names import field_path, kind_name


class GeneratorError(Exception):
    """Base of every error the generator raises on purpose."""


class SourceError(GeneratorError):
    """An outline or spec file that cannot be read (empty, not UTF-8, too big)."""


class SpecError(GeneratorError):
    """A deck description that does not validate; `problems` lists (place, message)."""

    def __init__(self, message: str, problems: list[tuple[str, str]] | None = None):
        super().__init__(message)
        self.problems = problems or []


class OutlineError(SpecError):
    """A Markdown outline with a malformed construct; `line` is 1-based."""

    def __init__(self, message: str, line: int | None = None):
        where = f"line {line}: " if line else ""
        super().__init__(f"{where}{message}", [(f"line {line}" if line else "outline", message)])
        self.line = line


class FitError(SpecError):
    """Text that cannot fit its box even at the minimum size, and cannot continue."""


class FontError(GeneratorError):
    """The font files needed to measure text are not installed."""


class InvalidDeckFile(GeneratorError):
    """An uploaded .pptx that is unsafe or unreadable."""


class DraftingError(GeneratorError):
    """The LLM could not produce a valid deck."""


class LLMNotConfigured(DraftingError):
    """No OPENAI_API_KEY: the brief path is off."""


class BudgetExceeded(DraftingError):
    """A call would cross the monthly hard limit."""


class SharedFilesError(GeneratorError):
    """The shared file store (an S3-compatible bucket) failed or refused a request."""


class PreviewError(GeneratorError):
    """LibreOffice or pdftoppm failed (or is missing)."""


# a problem's place as the generator writes it: "line 12 (slide 3, chart): chart.type",
# "line 4, column 2", "slide 3 (chart): chart.type", "line 7"
_LINE_PLACE = re.compile(r"^line (?P<line>\d+)(?:, column (?P<column>\d+))?"
                         r"(?: \(slide (?P<slide>\d+)(?:, (?P<kind>\w+))?\))?(?P<rest>.*)$", re.S)
_SLIDE_PLACE = re.compile(r"^slide (?P<slide>\d+)(?: \((?P<kind>\w+)\))?(?P<rest>.*)$", re.S)


def shown_place(place: str) -> str:
    """A problem's place in the user's language ("line 12 (slide 3, chart): chart.type"
    becomes "12行目（スライド 3、グラフ）: グラフ.種類" in Japanese): slide kinds and field
    names in words (`kind_names`).  A place of another form is returned as it is."""
    place = str(place)
    match = _LINE_PLACE.match(place)
    if match:
        if match["column"]:
            head = _("line %(line)d, column %(column)d") % {"line": int(match["line"]),
                                                             "column": int(match["column"])}
        else:
            head = _("line %(line)d") % {"line": int(match["line"])}
        if match["slide"] and match["kind"]:
            head = _("%(where)s (slide %(number)d, %(kind)s)") % {
                "where": head, "number": int(match["slide"]), "kind": kind_name(match["kind"])}
        elif match["slide"]:
            head = _("%(where)s (slide %(number)d)") % {"where": head,
                                                        "number": int(match["slide"])}
        return head + field_path(match["rest"])
    match = _SLIDE_PLACE.match(place)
    if match:
        head = _("slide %(number)d") % {"number": int(match["slide"])}
        if match["kind"]:
            head += f" ({kind_name(match['kind'])})"
        return head + field_path(match["rest"])
    return place


def shown_problems(problems) -> list[tuple[str, str]]:
    """(place, message) pairs with their places in the user's language (`shown_place`)."""
    return [(shown_place(place), str(message)) for place, message in problems]


_PATH_END = r"[^\s'\"()\[\]<>,;]*"


def without_server_paths(text: str) -> str:
    """`text` with every path of the server (the temporary folder, the data folder, the code's
    folder) cut to its last name, for a message a user sees: "No such file:
    '/tmp/bcgslides-restyle-x1/pictures/a.png'" becomes "No such file: 'a.png'"."""
    roots = {tempfile.gettempdir(), "/tmp", "/var/tmp"}
    for name in ("DATA_DIR", "MEDIA_ROOT", "BASE_DIR", "LOG_DIR", "BACKUP_DIR", "REPORT_DIR"):
        value = getattr(settings, name, None) if settings.configured else None
        if value:
            roots.add(str(value))
    for root in sorted((r.rstrip("/") for r in roots if len(r.rstrip("/")) > 1), key=len,
                       reverse=True):
        text = re.sub(re.escape(root) + r"(?:/" + _PATH_END + r")?",
                      lambda match: PurePath(match.group()).name or "…", text)
    return text
