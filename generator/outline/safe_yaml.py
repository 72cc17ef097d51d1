"""YAML from an outline (front matter, fenced blocks) with bounded cost.

`yaml.safe_load` refuses code but not size: 378 bytes of anchors and aliases
(a "billion laughs") expanded to gigabytes once the reader turned the value
into text.  Here the events are read first (libyaml when present) and the
document is refused before anything is built when it uses an anchor or an
alias, nests too deeply, holds too many values or is too long; what is left
is built by the safe loader, whose own failures (a 10,000-digit integer, a
13th month) become an `OutlineError` naming the line too.
"""

from __future__ import annotations

from typing import Any

import yaml
from django.utils.translation import gettext as _

from generator.errors import OutlineError

MAX_YAML_CHARS = 100_000
MAX_YAML_DEPTH = 20
MAX_YAML_VALUES = 20_000

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_OPENING = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSING = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def load(text: str, *, first_line: int) -> Any:
    """The YAML document `text`, whose first line is line `first_line` of the outline."""
    if len(text) > MAX_YAML_CHARS:
        raise OutlineError(_("this YAML is %(size)s characters long; the limit is %(limit)s")
                           % {"size": f"{len(text):,}", "limit": f"{MAX_YAML_CHARS:,}"},
                           first_line)
    try:
        _check_events(text, first_line)
        return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        # the context mark is where the broken construct starts (an unclosed bracket)
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise OutlineError(_("invalid YAML: %(problem)s") % {"problem": problem},
                           first_line + (mark.line if mark else 0)) from None
    except (ValueError, OverflowError, TypeError, RecursionError) as exc:
        raise OutlineError(_("a value in this YAML cannot be read: %(problem)s")
                           % {"problem": str(exc).split(";")[0][:200]}, first_line) from None


def _check_events(text: str, first_line: int) -> None:
    """Refuse anchors, aliases, deep nesting and too many values, before building anything."""
    loader = _LOADER(text)
    depth = values = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            line = first_line + event.start_mark.line
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise OutlineError(_("YAML anchors and aliases (&name, *name) are not allowed "
                                     "in an outline; write the values out"), line)
            if isinstance(event, _OPENING):
                depth += 1
                if depth > MAX_YAML_DEPTH:
                    raise OutlineError(_("this YAML nests more than %(limit)d levels deep")
                                       % {"limit": MAX_YAML_DEPTH}, line)
            elif isinstance(event, _CLOSING):
                depth -= 1
            if isinstance(event, yaml.NodeEvent):
                values += 1
                if values > MAX_YAML_VALUES:
                    raise OutlineError(_("this YAML holds more than %(limit)s values")
                                       % {"limit": f"{MAX_YAML_VALUES:,}"}, line)
    finally:
        loader.dispose()
