"""Raw XML has two homes: reads in generator/ooxml.py, writes in generator/render/xml.py
(and the hardened pre-parse of uploads keeps its own, in generator/intake/)."""

import re
from pathlib import Path

import generator

RAW_XML = re.compile(r"\._element\b|\bqn\(|\betree\b|\.xpath\(|^\s*(from|import) lxml"
                     r"|\._(txBody|spTree|chartSpace|tbl|tc|p|r|dLbl)\b|from pptx\.oxml", re.M)
HOMES = {"ooxml.py", "render/xml.py"}


def test_raw_xml_is_read_and_written_in_its_two_homes_only():
    root = Path(generator.__file__).parent
    found = []
    for path in sorted(root.rglob("*.py")):
        name = path.relative_to(root).as_posix()
        if name in HOMES or name.startswith("intake/"):
            continue
        found += [f"{name}: {match.group(0).strip()}"
                  for match in RAW_XML.finditer(path.read_text(encoding="utf-8"))]
    assert found == []
