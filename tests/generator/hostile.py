"""Hostile and unusual packages, built from real decks with zipfile: the corpus the intake
tests run on (bombs with honest and lying headers, every compression method, DTDs in
UTF-8/16/32, outside links in slides, layouts, masters and notes, macros, templates)."""

from __future__ import annotations

import base64
import re
import struct
import zipfile
import zlib
from pathlib import Path

from tests.conftest import CORPUS

BASE = CORPUS / "pptx" / "scanny__python-pptx__font-color.pptx"
NOTES = CORPUS / "pptx" / "scanny__python-pptx__prs-notes.pptx"
CHARTS = CORPUS / "pptx" / "scanny__python-pptx__cht-charts.pptx"
TEMPLATES = [CORPUS / "templates" / name for name in (
    "MartinPacker__md2pptx__Martin_Template.pptx",
    "barun-saha__slide-deck-ai__Urban_monochrome.pptx",
    "barun-saha__slide-deck-ai__Ion_Boardroom.pptx")]
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PRESENTATION_MAIN = (b"application/vnd.openxmlformats-officedocument.presentationml."
                     b"presentation.main+xml")
TEMPLATE_MAIN = b"application/vnd.openxmlformats-officedocument.presentationml.template.main+xml"
PPTM_MAIN = b"application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml"
POTM_MAIN = b"application/vnd.ms-powerpoint.template.macroEnabled.main+xml"


def read_parts(source: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(source) as package:
        return {info.filename: package.read(info) for info in package.infolist()}


def write_parts(target: Path, parts: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED,
                methods: dict[str, int] | None = None) -> Path:
    """A zip of `parts` in order; `methods` picks a compression method per member."""
    methods = methods or {}
    with zipfile.ZipFile(target, "w") as out:
        for name, data in parts.items():
            out.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data,
                         compress_type=methods.get(name, method))
    return target


def lie_about_size(path: Path, member: str, declared: int) -> Path:
    """Rewrite the declared uncompressed size of `member` in both of its headers."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as package:
        info = package.getinfo(member)
    local = info.header_offset
    assert data[local:local + 4] == b"PK\x03\x04"
    struct.pack_into("<L", data, local + 22, declared)
    name = member.encode()
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        length = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46:at + 46 + length]) == name:
            struct.pack_into("<L", data, at + 24, declared)
            break
        at = data.find(b"PK\x01\x02", at + 4)
    else:
        raise AssertionError(f"no central directory entry for {member}")
    path.write_bytes(bytes(data))
    return path


def raw_member(name: str, compressed: bytes, size: int, method: int, crc: int = 0) -> bytes:
    """A local header plus data for a member whose compressed bytes are given as they are."""
    encoded = name.encode()
    return struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, method, 0, 33, crc,
                       len(compressed), size, len(encoded), 0) + encoded + compressed


def zip_with_raw(target: Path, parts: dict[str, bytes], raw: dict[str, tuple]) -> Path:
    """`parts` deflated as usual plus members given raw
    (name -> (compressed, size, method[, crc]))."""
    write_parts(target, parts)
    body = bytearray()
    directory = bytearray()
    with zipfile.ZipFile(target) as package:
        infos = package.infolist()
        blob = target.read_bytes()
    for info in infos:
        start = info.header_offset
        name_len, extra_len = struct.unpack_from("<2H", blob, start + 26)
        local = blob[start:start + 30 + name_len + extra_len + info.compress_size]
        directory += _central(info.filename, info.compress_type, info.CRC, info.compress_size,
                              info.file_size, len(body))
        body += local
    for name, (compressed, size, method, *crc) in raw.items():
        directory += _central(name, method, crc[0] if crc else 0, len(compressed), size,
                              len(body))
        body += raw_member(name, compressed, size, method, crc[0] if crc else 0)
    count = len(infos) + len(raw)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(directory), len(body), 0)
    target.write_bytes(bytes(body + directory + end))
    return target


def overlapping(target: Path, parts: dict[str, bytes]) -> Path:
    """`parts` plus a stored member whose data hold another member's header and data, both
    listed in the central directory: the overlap that multiplies what a zip inflates to."""
    inner = b"\0" * 4096
    quoted = raw_member("ppt/media/b.bin", inner, len(inner), 0, zlib.crc32(inner))
    zip_with_raw(target, parts, {"ppt/media/a.bin": (quoted, len(quoted), 0, zlib.crc32(quoted))})
    with zipfile.ZipFile(target) as package:
        outer = package.getinfo("ppt/media/a.bin").header_offset
    blob = bytearray(target.read_bytes())
    end = blob.rfind(b"PK\x05\x06")
    count, size, start = struct.unpack_from("<HLL", blob, end + 10)
    entry = _central("ppt/media/b.bin", 0, zlib.crc32(inner), len(inner), len(inner),
                     outer + 30 + len("ppt/media/a.bin"))
    directory = bytes(blob[start:start + size]) + entry
    tail = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count + 1, count + 1, len(directory),
                       start, 0)
    target.write_bytes(bytes(blob[:start]) + directory + tail)
    return target


def _central(name: str, method: int, crc: int, csize: int, size: int, offset: int) -> bytes:
    encoded = name.encode()
    return struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, method, 0, 33, crc, csize, size,
                       len(encoded), 0, 0, 0, 0, 0, offset) + encoded


def deflate_raw(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def deflated_zeros(size: int) -> bytes:
    """A raw deflate stream of `size` zero bytes, built without holding them."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk, out = b"\0" * (1 << 20), []
    for _ in range(size >> 20):
        out.append(compressor.compress(chunk))
    return b"".join(out) + compressor.flush()


def bzip2_bomb() -> bytes:
    """bz2.compress(b"\\0" * 2**31): 1,522 bytes that inflate to 2 GiB (issue 17's bomb)."""
    return base64.b64decode(_BZIP2_2GIB_B64)


def lzma_zip_payload(size: int) -> bytes:
    """An LZMA member body as zipfile writes it (a 4-byte header, properties, raw LZMA1)."""
    compressor = zipfile.LZMACompressor()
    chunk, out = b"\0" * (1 << 20), []
    for _ in range(size >> 20):
        out.append(compressor.compress(chunk))
    return b"".join(out) + compressor.flush()


# -- edits of parts -----------------------------------------------------------------------------
def add_rel(parts: dict[str, bytes], rels: str, rid: str, kind: str, target: str,
            external: bool = True) -> None:
    mode = ' TargetMode="External"' if external else ""
    extra = f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"{mode}/>'.encode()
    parts[rels] = parts[rels].replace(b"</Relationships>", extra + b"</Relationships>")


def add_linked_picture(parts: dict[str, bytes], part: str, url: str, rid: str = "rIdOut1",
                       video: str | None = None) -> None:
    """A picture in `part` (a slide, layout, master or notes) linked, not embedded, to `url`;
    with `video`, the picture also plays a linked video."""
    folder, base = part.rsplit("/", 1)
    rels = f"{folder}/_rels/{base}.rels"
    add_rel(parts, rels, rid, f"{REL}/image", url)
    nv = "<p:nvPr/>"
    if video:
        add_rel(parts, rels, rid + "v", f"{REL}/video", video)
        nv = f'<p:nvPr><a:videoFile r:link="{rid}v"/></p:nvPr>'
    pic = (f'<p:pic><p:nvPicPr><p:cNvPr id="990" name="Linked {rid}"/><p:cNvPicPr/>{nv}'
           f'</p:nvPicPr><p:blipFill><a:blip r:link="{rid}"/><a:stretch><a:fillRect/></a:stretch>'
           '</p:blipFill><p:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="914400" cy="914400"/>'
           '</a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr></p:pic>')
    data = parts[part]
    if b'xmlns:r="' not in data[:2000]:
        data = re.sub(rb"(<p:\w+ )", b'\\1xmlns:r="' + R_NS.encode() + b'" ', data, count=1)
    parts[part] = data.replace(b"</p:spTree>", pic.encode() + b"</p:spTree>", 1)


def add_hyperlink(parts: dict[str, bytes], slide: str, target: str, rid: str,
                  external: bool = True) -> None:
    folder, base = slide.rsplit("/", 1)
    add_rel(parts, f"{folder}/_rels/{base}.rels", rid, f"{REL}/hyperlink", target, external)
    shape = (f'<p:sp><p:nvSpPr><p:cNvPr id="991" name="Link {rid}"/><p:cNvSpPr/><p:nvPr/>'
             '</p:nvSpPr><p:spPr/><p:txBody><a:bodyPr/><a:p><a:r><a:rPr lang="en-US">'
             f'<a:hlinkClick r:id="{rid}"/></a:rPr><a:t>see note</a:t></a:r></a:p></p:txBody>'
             '</p:sp>')
    parts[slide] = parts[slide].replace(b"</p:spTree>", shape.encode() + b"</p:spTree>", 1)


def set_main_type(parts: dict[str, bytes], content_type: bytes) -> None:
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        PRESENTATION_MAIN, content_type)


def add_macros(parts: dict[str, bytes], main_type: bytes = PPTM_MAIN) -> None:
    """What PowerPoint writes for a .pptm: the VBA project, its data, types and relationships."""
    set_main_type(parts, main_type)
    parts["ppt/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"Attribute VB_Name" * 20
    parts["ppt/_rels/vbaProject.bin.rels"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{RELS_NS}">'
        '<Relationship Id="rId1" Type="http://schemas.microsoft.com/office/2006/relationships/'
        'wordVbaData" Target="vbaData.xml"/></Relationships>').encode()
    parts["ppt/vbaData.xml"] = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                                b'<wne:vbaSuppData xmlns:wne="http://schemas.microsoft.com/office/'
                                b'word/2006/wordml"/>')
    add_rel(parts, "ppt/_rels/presentation.xml.rels", "rIdVba",
            "http://schemas.microsoft.com/office/2006/relationships/vbaProject", "vbaProject.bin",
            external=False)
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"</Types>", (
        b'<Override PartName="/ppt/vbaProject.bin" ContentType="application/vnd.ms-office.'
        b'vbaProject"/><Override PartName="/ppt/vbaData.xml" ContentType="application/vnd.ms-'
        b'office.vbaData+xml"/></Types>'))


def with_dtd(xml: bytes, codec: str, declared: str) -> bytes:
    """`xml` re-encoded in `codec`, declaring `declared`, with an external-entity DTD."""
    text = xml.decode("utf-8")
    text = re.sub(r"^<\?xml[^>]*\?>", "", text.lstrip("\ufeff")).lstrip()
    root = re.match(r"<([\w:]+)", text).group(1)
    head = (f'<?xml version="1.0" encoding="{declared}" standalone="yes"?>'
            f'<!DOCTYPE {root} [<!ENTITY x SYSTEM "file:///etc/passwd">]>')
    return (head + text).encode(codec)


def external_relationships(path: Path) -> list[tuple[str, str, str]]:
    """(rels member, type, target) of every outside relationship in the package at `path`."""
    found = []
    with zipfile.ZipFile(path) as package:
        for name in package.namelist():
            if name.endswith(".rels"):
                for match in re.finditer(rb"<Relationship [^>]*>", package.read(name)):
                    rel = match.group(0).decode()
                    if 'TargetMode="External"' in rel:
                        kind = re.search(r'Type="([^"]+)"', rel).group(1)
                        target = re.search(r'Target="([^"]*)"', rel).group(1)
                        found.append((name, kind, target))
    return found


def dangling_references(path: Path) -> list[tuple[str, str]]:
    """(part, rId) of relationship attributes in XML parts that name no relationship."""
    from lxml import etree

    dangling = []
    with zipfile.ZipFile(path) as package:
        names = set(package.namelist())
        for name in names:
            if not name.endswith(".xml") or "/" not in name:
                continue
            folder, base = name.rsplit("/", 1)
            rels = f"{folder}/_rels/{base}.rels"
            ids = set(re.findall(rb'Id="([^"]+)"', package.read(rels))) if rels in names else set()
            for element in etree.fromstring(package.read(name)).iter():
                for key, value in element.attrib.items():
                    if key.startswith(f"{{{R_NS}}}") and value.encode() not in ids:
                        dangling.append((name, value))
    return dangling


_BZIP2_2GIB_B64 = (
    "QlpoOTFBWSZTWQ4J4t8BX45AAMAAAAggADCATUZCoCWpCoCXMUFZJlNZDgni3wFfjkAAwAAACCAAMIBNRkKgJakKgJcx"
    "QVkmU1kOCeLfAV+OQADAAAAIIAAwgE1GQqAlqQqAlzFBWSZTWQ4J4t8BX45AAMAAAAggADCATUZCoCWpCoCXMUFZJlNZ"
    "Dgni3wFfjkAAwAAACCAAMIBNRkKgJakKgJcxQVkmU1kOCeLfAV+OQADAAAAIIAAwgE1GQqAlqQqAlzFBWSZTWQ4J4t8B"
    "X45AAMAAAAggADCATUZCoCWpCoCXMUFZJlNZDgni3wFfjkAAwAAACCAAMIBNRkKgJakKgJcxQVkmU1kOCeLfAV+OQADA"
    "AAAIIAAwgE1GQqAlqQqAlzFBWSZTWQ4J4t8BX45AAMAAAAggADCATUZCoCWpCoCXMUFZJlNZDgni3wFfjkAAwAAACCAA"
    "MIBNRkKgJakKgJcxQVkmU1kOCeLfAV+OQADAAAAIIAAwgE1GQqAlqQqAlzFBWSZTWQ4J4t8BX45AAMAAAAggADCATUZC"
    "oCWpCoCXMUFZJlNZDgni3wFfjkAAwAAACCAAMIBNRkKgJakKgJcxQVkmU1kOCeLfAV+OQADAAAAIIAAwgE1GQqAlqQqA"
    "lzFBWSZTWQ4J4t8BX45AAMAAAAggADCATUZCoCWpCoCXMUFZJlNZDgni3wFfjkAAwAAACCAAMIBNRkKgJakKgJcxQVkm"
    "U1kOCeLfAV+OQADAAAAIIAAwgE1GQqAlqQqAlzFBWSZTWQ4J4t8BX45AAMAAAAggADCATUZCoCWpCoCXMUFZJlNZDgni"
    "3wFfjkAAwAAACCAAMIBNRkKgJakKgJcxQVkmU1kOCeLfAV+OQADAAAAIIAAwgE1GQqAlqQqAlzFBWSZTWQ4J4t8BX45A"
    "AMAAAAggADCATUZCoCWpCoCXMUFZJlNZDgni3wFfjkAAwAAACCAAMIBNRkKgJakKgJcxQVkmU1kOCeLfAV+OQADAAAAI"
    "IAAwgE1GQqAlqQqAlzFBWSZTWQ4J4t8BX45AAMAAAAggADCATUZCoCWpCoCXMUFZJlNZDgni3wFfjkAAwAAACCAAMIBN"
    "RkKgJakKgJcxQVkmU1kOCeLfAV+OQADAAAAIIAAwgE1GQqAlqQqAlzFBWSZTWQ4J4t8BX45AAMAAAAggADCATUZCoCWp"
    "CoCXMUFZJlNZDgni3wFfjkAAwAAACCAAMIBNRkKgJakKgJcxQVkmU1kOCeLfAV+OQADAAAAIIAAwgE1GQqAlqQqAlzFB"
    "WSZTWQ4J4t8BX45AAMAAAAggADCATUZCoCWpCoCXMUFZJlNZDgni3wFfjkAAwAAACCAAMIBNRkKgJakKgJcxQVkmU1kO"
    "CeLfAV+OQADAAAAIIAAwgE1GQqAlqQqAlzFBWSZTWQ4J4t8BX45AAMAAAAggADCATUZCoCWpCoCXMUFZJlNZDgni3wFf"
    "jkAAwAAACCAAMIBNRkKgJakKgJcxQVkmU1kOCeLfAV+OQADAAAAIIAAwgE1GQqAlqQqAlzFBWSZTWQ4J4t8BX45AAMAA"
    "AAggADCATUZCoCWpCoCXMUFZJlNZDgni3wFfjkAAwAAACCAAMIBNRkKgJakKgJcxQVkmU1kOCeLfAV+OQADAAAAIIAAw"
    "gE1GQqAlqQqAlzFBWSZTWQ4J4t8BX45AAMAAAAggADCATUZCoCWpCoCXMUFZJlNZDgni3wFfjkAAwAAACCAAMIBNRkKg"
    "JakKgJcxQVkmU1kOCeLfAV+OQADAAAAIIAAwgE1GQqAlqQqAlzFBWSZTWQ4J4t8BX45AAMAAAAggADCATUZCoCWpCoCX"
    "MUFZJlNZDgni3wFfjkAAwAAACCAAMIBNRkKgJakKgJcxQVkmU1kOCeLfAV+OQADAAAAIIAAwgE1GQqAlqQqAlzFBWSZT"
    "WQ4J4t8BX45AAMAAAAggADCATUZCoCWpCoCXMUFZJlNZgLDoDAEUpUCAwAAABAAIIAAwzAUppkiRIbFIkSHi7kinChIb"
    "c2UzQA=="
)
