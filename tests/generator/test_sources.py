"""Reading source files: size, encoding, Markdown vs JSON."""

from __future__ import annotations

import json

import pytest

from generator.errors import SourceError, SpecError
from generator.sources import load_source, load_source_bytes


def test_markdown_and_json_are_told_apart(tmp_path):
    md = tmp_path / "deck.md"
    md.write_text("# Title\n\n- point\n", encoding="utf-8")
    assert load_source(md).kind == "markdown"
    spec = {"title": "x", "slides": [{"kind": "message", "title": "t"}]}
    js = tmp_path / "deck.json"
    js.write_text(json.dumps(spec), encoding="utf-8")
    assert load_source(js).kind == "spec"
    assert load_source_bytes(json.dumps(spec).encode(), name="deck").kind == "spec"


def test_a_utf8_bom_is_accepted():
    loaded = load_source_bytes("\ufeff# 市場\n\n- 拡大\n".encode("utf-8"), name="a.md")
    assert loaded.spec.slides[0].title == "市場"


def test_non_utf8_bytes_name_the_line_and_offset():
    with pytest.raises(SourceError) as info:
        load_source_bytes("# 市場\n\n- ".encode("utf-8") + "拡大".encode("shift_jis"), name="a.md")
    assert "line 3" in str(info.value) and "not UTF-8" in str(info.value)


@pytest.mark.parametrize("data", [b"", b"  \n\t\n"])
def test_empty_files_are_refused(data):
    with pytest.raises(SourceError, match="empty"):
        load_source_bytes(data, name="a.md")


def test_too_big_files_are_refused(tmp_path, settings):
    settings.MAX_SOURCE_BYTES = 100
    path = tmp_path / "big.md"
    path.write_text("# T\n\n" + "- x\n" * 100, encoding="utf-8")
    with pytest.raises(SourceError, match="the limit is 100"):
        load_source(path)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(SourceError, match="no such file"):
        load_source(tmp_path / "nope.md")


def test_broken_json_names_line_and_column():
    with pytest.raises(SpecError, match="line 2, column"):
        load_source_bytes(b'{"title": "x",\n "slides": [}', name="a.json")
