"""Text fitting with real font metrics: wrapping, kinsoku, shrinking."""

from __future__ import annotations

import pytest

from generator.fonts import face, is_east_asian, measurer
from generator.render.text import Frame, Paragraph, _tokens, fit, wrap

LATIN, EA = "Arial", "Noto Sans CJK JP"


def test_fonts_resolve_to_installed_metric_compatible_files():
    assert face("Arial").family == "Liberation Sans"
    assert face("Meiryo", east_asian=True).family == "Noto Sans CJK JP"
    assert face("ＭＳ 明朝", east_asian=True).family == "Noto Serif CJK JP"


def test_cjk_is_full_width_and_latin_is_proportional():
    m = measurer(LATIN, EA)
    assert m.width_em("日本語") == pytest.approx(3.0, abs=0.01)
    assert m.width_em("iii") < m.width_em("MMM")
    assert is_east_asian("あ") and is_east_asian("。") and not is_east_asian("A")


def test_kinsoku_keeps_closing_marks_off_line_starts():
    tokens = _tokens("「年率」で成長し、拡大する。")
    assert "「年" in tokens and "率」" in tokens
    assert "し、" in tokens and "る。" in tokens


def test_japanese_wraps_between_characters_and_never_starts_a_line_with_punctuation():
    text = "国内EV市場は2030年までに年率25%で成長し、3.2兆円規模に達する。" * 3
    lines = wrap(text, 200, 16, LATIN, EA)
    assert len(lines) > 3
    assert "".join(lines) == text
    assert not any(line[0] in "、。）」" for line in lines)


def test_latin_wraps_at_spaces():
    lines = wrap("The domestic market grows twenty five percent a year", 150, 16, LATIN, EA)
    assert all(not line.startswith(" ") for line in lines)
    assert " ".join(lines) == "The domestic market grows twenty five percent a year"


def test_a_word_longer_than_the_line_is_broken():
    lines = wrap("x" * 200, 100, 16, LATIN, EA)
    assert len(lines) > 1 and "".join(lines) == "x" * 200


def test_fit_shrinks_then_gives_up():
    frame = Frame(width=int(4 * 914400), height=int(0.6 * 914400))
    text = [Paragraph("市場は拡大を続けており、当社の成長機会は大きい" * 2)]
    result = fit(text, frame, max_pt=24, min_pt=10, latin=LATIN, ea=EA)
    assert result is not None and 10 <= result.size_pt < 24
    assert result.height <= frame.height
    assert fit(text * 10, frame, max_pt=24, min_pt=10, latin=LATIN, ea=EA) is None


def test_fit_respects_a_line_limit():
    frame = Frame(width=int(3 * 914400), height=int(5 * 914400))
    text = [Paragraph("word " * 40)]
    result = fit(text, frame, max_pt=24, min_pt=18, latin=LATIN, ea=EA, max_lines=2)
    assert result is None


def test_mixed_japanese_and_latin_counts_the_space_libreoffice_puts_between_them():
    # LibreOffice sets about a quarter em between kanji and Latin letters or digits: a
    # title that fits without it wraps in the slide pictures (seen on a real template)
    text = "国内EV市場は2030年に3.2兆円へ拡大する"
    plain = measurer("Arial", "Noto Sans CJK JP", True).width_em(text)
    width_pt = plain * 32 / 0.96 + 4  # room for the glyphs alone, not for the six changes
    assert len(wrap(text, width_pt, 32, "Arial", "Noto Sans CJK JP", bold=True)) == 2
    assert wrap("国内市場は年に兆円へ", 10 * 32 / 0.96 + 4, 32, "Arial", "Noto Sans CJK JP",
                bold=True) == ["国内市場は年に兆円へ"]  # no Latin: nothing added
    assert wrap("Market share", 200, 32, "Arial", "Noto Sans CJK JP") == ["Market share"]


def test_fit_shrinks_rather_than_break_a_word_between_letters():
    # a narrow chevron: "Negotiate" at the top size only fits broken ("Neg/otiat/e")
    paragraphs = [Paragraph("Negotiate", bold=True)]
    width = measurer(LATIN, EA, True).width_em("Negotiate") * 14 / 0.96  # whole at 14 pt
    frame = Frame(int(width * 12700) + 1000, 12700 * 200)
    result = fit(paragraphs, frame, max_pt=20, min_pt=10, latin=LATIN, ea=EA)
    assert result.lines == [["Negotiate"]] and result.size_pt <= 14
    # no size keeps it whole: the largest that fits, broken, as before
    tiny = fit(paragraphs, Frame(12700 * 20, 12700 * 400), max_pt=20, min_pt=18, latin=LATIN,
               ea=EA)
    assert tiny is not None and tiny.size_pt == 20 and len(tiny.lines[0]) > 1
