"""Checking an untrusted XML part: no DTD in any encoding, well-formed, bounded in size.

A DTD is how entity expansion and external entities get in.  A byte scan for
`<!DOCTYPE` misses a part written in UTF-16 or UTF-32, so the scan drops NUL
bytes first (ASCII in UTF-16/32 then reads as ASCII), and the part is also
parsed by a hardened lxml parser whose `docinfo` must show no DTD, whatever
encoding the parser decoded.  Parsing streams (elements are cleared as they
close), and every element counts against one budget for the whole deck: the
trees python-pptx builds later take about 500 bytes an element.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from lxml import etree

from generator.errors import InvalidDeckFile

PARSER_OPTIONS = {"resolve_entities": False, "load_dtd": False, "no_network": True,
                  "huge_tree": False, "dtd_validation": False}
SAFE_PARSER = etree.XMLParser(**PARSER_OPTIONS)
_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")
WHOLE_PART_BYTES = 1024 * 1024
_OVERLAP = max(len(m) for m in _MARKERS) - 1


class XmlRefused(InvalidDeckFile):
    """The part breaks a rule; the message is a sentence for the user."""


class ElementBudget:
    """How many more XML elements the deck may hold."""

    def __init__(self, limit: int):
        self.limit = limit
        self.remaining = limit

    def spend(self, count: int) -> None:
        self.remaining -= count
        if self.remaining < 0:
            raise XmlRefused(_("The deck holds more than %(limit)d XML elements: too large to "
                               "learn from (a template or a representative deck is enough).")
                             % {"limit": self.limit})


class PartChecker:
    """Fed a part's bytes chunk by chunk; `close()` raises `XmlRefused` or returns.

    A part up to `WHOLE_PART_BYTES` is parsed in one call (fast, and its tree
    is small); a larger one streams through a pull parser that clears each
    element as it closes.  With `parse=False` only the DTD scan runs (VML
    drawings, which Office does not always write as well-formed XML).
    """

    def __init__(self, shown_name: str, budget: ElementBudget, *, parse: bool = True):
        self.shown = shown_name
        self.budget = budget
        self._tail = b""
        self._buffer: list[bytes] | None = [] if parse else None
        self._buffered = 0
        self._parser = None

    def feed(self, chunk: bytes) -> None:
        self._scan(chunk)
        if self._buffer is not None:
            self._buffer.append(chunk)
            self._buffered += len(chunk)
            if self._buffered <= WHOLE_PART_BYTES:
                return
            chunk, self._buffer = b"".join(self._buffer), None
            self._parser = etree.XMLPullParser(events=("end",), **PARSER_OPTIONS)
        if self._parser is None:
            return
        try:
            self._parser.feed(chunk)
        except etree.XMLSyntaxError:
            raise self._malformed() from None
        self._drain()

    def close(self) -> str | None:
        """Finish the checks; returns the root element's tag ('{namespace}name')."""
        if self._buffer is not None:
            root = self._parse_whole(b"".join(self._buffer))
        elif self._parser is not None:
            try:
                root = self._parser.close()
            except etree.XMLSyntaxError:
                raise self._malformed() from None
            self._drain()
        else:
            return None
        info = root.getroottree().docinfo
        if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
            raise self._dtd()
        return root.tag if isinstance(root.tag, str) else None

    def _parse_whole(self, data: bytes) -> etree._Element:
        try:
            root = etree.fromstring(data, SAFE_PARSER)
        except (etree.XMLSyntaxError, ValueError):
            raise self._malformed() from None
        self.budget.spend(int(root.xpath("count(//*)")))
        return root

    def _scan(self, chunk: bytes) -> None:
        text = self._tail + chunk.replace(b"\0", b"").upper()
        if any(marker in text for marker in _MARKERS):
            raise self._dtd()
        self._tail = text[-_OVERLAP:]

    def _drain(self) -> None:
        count = 0
        for _event, element in self._parser.read_events():
            count += 1
            element.clear()
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]
        self.budget.spend(count)

    def _dtd(self) -> XmlRefused:
        return XmlRefused(_("The part %(name)s declares a DTD or entities, which can read files "
                            "or addresses on the server: refused.") % {"name": self.shown})

    def _malformed(self) -> XmlRefused:
        return XmlRefused(_("The part %(name)s is not well-formed XML: open the file in "
                            "PowerPoint and save it again.") % {"name": self.shown})


def parse(data: bytes, shown_name: str) -> etree._Element:
    """A small part (relationships, content types) as a tree, with the same safeguards."""
    checker = PartChecker(shown_name, ElementBudget(10 ** 9), parse=False)
    checker.feed(data)
    try:
        root = etree.fromstring(data, SAFE_PARSER)
    except (etree.XMLSyntaxError, ValueError):
        raise checker._malformed() from None
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None:
        raise checker._dtd()
    return root
