"""Every number the model writes, checked against the numbers in the sources.

Numbers are read with their scale, in English and Japanese writing: '12%',
'1,200億円', '3.2兆円', '1兆2,000億円', 'JPY 3.2tn', '25 million', full-width
digits.  A written number matches a source number when it is the same value
at the precision written ('3.2兆円' matches a source's '3兆2,150億円'), or the same
figure where the source gives its unit in a header ('320' in a sheet headed
'JPY bn' matches 'JPY 320bn').  Counts up to ten and labels such as 'Q3' or
'FY2024' are not facts to check.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass

_NUM = r"(?<![A-Za-z0-9.,])[-+−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_JP_SCALES = {"兆": 1e12, "億": 1e8, "万": 1e4, "千": 1e3}
_EN_SCALES = {"trillion": 1e12, "tn": 1e12, "t": 1e12, "billion": 1e9, "bn": 1e9, "b": 1e9,
              "million": 1e6, "mn": 1e6, "mm": 1e6, "m": 1e6, "thousand": 1e3, "k": 1e3}
_PATTERN = re.compile(
    rf"(?P<num>{_NUM})\s*(?:(?P<pct>%|％|percent\b|pct\b|ポイント|pp\b)|(?P<jp>百万|[兆億万千])"
    rf"|(?P<en>trillion|billion|million|thousand|tn|bn|mn|mm|[tbmk])\b)?", re.IGNORECASE)


@dataclass(frozen=True)
class Number:
    raw: str
    mantissa: float
    scale: float
    decimals: int
    percent: bool
    start: int = 0
    end: int = 0

    @property
    def value(self) -> float:
        return self.mantissa * self.scale


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def extract(text: str) -> list[Number]:
    """The numbers written in `text`, compound Japanese amounts merged ('1兆2,000億')."""
    text = normalise(text)
    found: list[Number] = []
    for match in _PATTERN.finditer(text):
        raw_num = match.group("num").replace("−", "-")
        mantissa = float(raw_num.replace(",", ""))
        decimals = len(raw_num.split(".")[1]) if "." in raw_num else 0
        scale, percent = 1.0, bool(match.group("pct"))
        if match.group("jp"):
            scale = 1e6 if match.group("jp") == "百万" else _JP_SCALES[match.group("jp")]
        elif match.group("en"):
            scale = _EN_SCALES[match.group("en").lower()]
        number = Number(match.group(0).strip(), mantissa, scale, decimals, percent,
                        match.start(), match.end())
        previous = found[-1] if found else None
        if (previous and match.group("jp") and previous.scale > scale > 1
                and text[previous.end:match.start()].strip() == "" and not previous.percent):
            merged = previous.value + number.value
            found[-1] = Number(text[previous.start:match.end()], merged / scale, scale, decimals,
                               False, previous.start, match.end())
            continue
        found.append(number)
    return found


def worth_checking(number: Number, text: str) -> bool:
    """False for small counts ('three bullets' as '3') and labels ('Q3', 'FY2024', 'H1')."""
    text = normalise(text)
    before = text[max(number.start - 2, 0):number.start]
    if before and before[-1].isascii() and before[-1].isalpha():
        return False
    small_count = (number.scale == 1 and not number.percent and number.decimals == 0
                   and 0 <= number.mantissa <= 10)
    return not small_count


class Known:
    """The numbers of the sources (and the brief), indexed for tolerant look-ups."""

    def __init__(self) -> None:
        self._values: list[float] = []
        self._mantissas: list[float] = []
        self._sorted = True

    def add_text(self, text: str) -> None:
        for number in extract(text):
            self._add(number.value, number.mantissa)
            if number.percent:
                self._add(number.mantissa / 100, number.mantissa)

    def add_value(self, value: float) -> None:
        """A spreadsheet cell: its value, and as a percentage when it is a fraction."""
        self._add(value, value)
        if -1 <= value <= 1:
            self._add(value * 100, value * 100)

    def _add(self, value: float, mantissa: float) -> None:
        self._values.append(value)
        self._mantissas.append(abs(mantissa))
        self._values.append(abs(value))
        self._sorted = False

    def _sort(self) -> None:
        if not self._sorted:
            self._values.sort()
            self._mantissas.sort()
            self._sorted = True

    def knows(self, number: Number) -> bool:
        self._sort()
        step = 0.5 * 10 ** -number.decimals
        tolerance = step * number.scale * (1 + 1e-9) + abs(number.value) * 1e-9
        if _near(self._values, abs(number.value), tolerance):
            return True
        if number.percent and _near(self._values, number.mantissa / 100, step / 100 + 1e-12):
            return True
        return _near(self._mantissas, abs(number.mantissa), step * (1 + 1e-9) + 1e-12)


def _near(ordered: list[float], target: float, tolerance: float) -> bool:
    at = bisect.bisect_left(ordered, target - tolerance)
    return at < len(ordered) and ordered[at] <= target + tolerance


def unknown(text: str, known: Known) -> list[str]:
    """The numbers in `text` that no source has, as written (each once, in order)."""
    seen: list[str] = []
    for number in extract(text):
        if worth_checking(number, text) and not known.knows(number) and number.raw not in seen:
            seen.append(number.raw)
    return seen
