"""The generator's exceptions: each names what went wrong and where.

Callers map them: commands to `CommandError` with an exit code, views to a 4xx
with the message, tasks to a failed row with the message stored.
"""

from __future__ import annotations


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
