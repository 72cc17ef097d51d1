"""The warm LibreOffice converter: same pictures as a one-shot soffice, restarted when it dies,
killed when it hangs, no network.  Real LibreOffice throughout."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from pptx import Presentation

from generator.previews import converter, soffice
from generator.outline import read_outline
from generator.render import render_to_file

pytestmark = pytest.mark.slow
OUTLINE = "".join(f"# Message number {n} is a full sentence\n\n- a point\n- another\n\n"
                  for n in range(1, 9))


@pytest.fixture
def deck(tmp_path, settings) -> Path:
    settings.PREVIEWS_ENABLED = True
    if not soffice.available() or converter.uno_python() is None:
        pytest.skip("LibreOffice, pdftoppm and python3-uno are installed by bin/setup")
    out = tmp_path / "deck.pptx"
    render_to_file(read_outline(OUTLINE), out)
    return out


@pytest.fixture
def warm():
    made = converter.WarmConverter(timeout=60)
    yield made
    made.close()


def _group(pgid: int) -> dict[int, str]:
    """pid -> command name of every live process in process group `pgid`."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name, rest = stat[stat.index("(") + 1:stat.rindex(")")], stat[stat.rindex(")") + 2:]
        state, _ppid, group = rest.split()[:3]
        if int(group) == pgid and state != "Z":
            found[int(entry.name)] = name
    return found


def _office(warm: converter.WarmConverter) -> int:
    office = [pid for pid, name in _group(warm.pid).items() if name.startswith("soffice")]
    assert office, "soffice runs in the converter's process group"
    return max(office)  # soffice.bin, started last


def test_warm_pictures_match_a_one_shot_soffice(deck, tmp_path, settings):
    settings.PREVIEWS_WARM_CONVERTER = False
    cold = soffice.render_thumbnails(deck, tmp_path / "cold")
    settings.PREVIEWS_WARM_CONVERTER = True
    first = soffice.render_thumbnails(deck, tmp_path / "warm1")
    started = time.monotonic()
    again = soffice.render_thumbnails(deck, tmp_path / "warm2")
    warm_seconds = time.monotonic() - started
    slides = len(Presentation(str(deck)).slides)
    assert len(cold) == len(first) == len(again) == slides == 8
    assert (tmp_path / "warm2" / "deck.pdf").read_bytes().startswith(b"%PDF")
    assert [p.name for p in again] == [f"slide-{n:03d}.png" for n in range(1, 9)]
    assert len(soffice._page_ranges(tmp_path / "warm2" / "deck.pdf", 2)) == 2  # two pdftoppm
    assert converter.for_this_process().starts == 1  # the second deck reused the first's soffice
    assert warm_seconds < 60


def test_a_killed_soffice_is_started_again_and_the_next_deck_converts(deck, tmp_path, warm):
    warm.to_pdf(deck, tmp_path / "one.pdf")
    listener = warm.pid
    os.kill(_office(warm), signal.SIGKILL)
    time.sleep(0.5)
    warm.to_pdf(deck, tmp_path / "two.pdf")
    assert (tmp_path / "two.pdf").read_bytes().startswith(b"%PDF")
    assert warm.starts == 2 and warm.pid != listener
    assert not _group(listener)  # nothing of the dead one is left running


def test_a_killed_listener_is_started_again(deck, tmp_path, warm):
    warm.to_pdf(deck, tmp_path / "one.pdf")
    os.killpg(warm.pid, signal.SIGKILL)
    time.sleep(0.5)
    warm.to_pdf(deck, tmp_path / "two.pdf")
    assert (tmp_path / "two.pdf").is_file() and warm.starts == 2


def test_a_hung_soffice_is_killed_after_the_timeout(deck, tmp_path, warm):
    warm.to_pdf(deck, tmp_path / "one.pdf")
    listener, office = warm.pid, _office(warm)
    warm.timeout = 3
    os.kill(office, signal.SIGSTOP)  # alive but answering nothing, as a hung soffice
    started = time.monotonic()
    with pytest.raises(converter.ConverterHung):
        warm.to_pdf(deck, tmp_path / "two.pdf")
    assert 3 <= time.monotonic() - started < 20
    assert not _group(listener) and warm.pid is None  # killed, soffice too
    warm.timeout = 60
    warm.to_pdf(deck, tmp_path / "three.pdf")  # and the next deck gets a fresh one
    assert (tmp_path / "three.pdf").is_file() and warm.starts == 2


def test_a_damaged_deck_is_refused_and_the_converter_stays(deck, tmp_path, warm):
    warm.to_pdf(deck, tmp_path / "one.pdf")
    listener = warm.pid
    damaged = tmp_path / "damaged.pptx"
    damaged.write_bytes(deck.read_bytes()[:3000])
    with pytest.raises(soffice.PreviewError, match="no PDF"):
        warm.to_pdf(damaged, tmp_path / "bad.pdf")
    assert not (tmp_path / "bad.pdf").exists()
    assert warm.pid == listener and warm.starts == 1


def test_the_warm_soffice_has_no_network(deck, tmp_path, warm):
    if not soffice.no_network_prefix():
        pytest.skip("this system allows no network namespace (outside links are still removed)")
    warm.to_pdf(deck, tmp_path / "one.pdf")
    ours = os.readlink("/proc/self/ns/net")
    assert os.readlink(f"/proc/{_office(warm)}/ns/net") != ours


def test_each_process_has_its_own_converter(deck):
    mine = converter.for_this_process()
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child reports through the pipe
        own = converter.for_this_process()
        os.write(write, b"1" if own is not mine else b"0")
        own.close()
        os._exit(0)
    os.waitpid(child, 0)
    assert os.read(read, 1) == b"1"


def test_an_idle_converter_stops_and_starts_again_when_needed(deck, tmp_path):
    idle = converter.WarmConverter(timeout=60, idle=1)
    try:
        idle.to_pdf(deck, tmp_path / "one.pdf")
        listener = idle.pid
        deadline = time.monotonic() + 30
        while _group(listener) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _group(listener) and idle.pid is None
        idle.to_pdf(deck, tmp_path / "two.pdf")
        assert (tmp_path / "two.pdf").is_file() and idle.starts == 2
    finally:
        idle.close()


def test_soffice_ends_with_the_process_that_owns_it(deck, tmp_path):
    """A qcluster worker leaves with os._exit (no atexit): its soffice must not live on."""
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child reports through the pipe
        own = converter.for_this_process()
        own.to_pdf(deck, tmp_path / "child.pdf")
        os.write(write, str(own.pid).encode())
        os._exit(0)
    os.waitpid(child, 0)
    listener = int(os.read(read, 32))
    deadline = time.monotonic() + 30
    while _group(listener) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _group(listener), "soffice outlived the worker that started it"


def test_a_converter_that_cannot_start_falls_back_to_a_one_shot_soffice(deck, tmp_path,
                                                                        settings, caplog):
    settings.PREVIEWS_WARM_CONVERTER = True
    own = converter.for_this_process()
    own.close()
    own.start_timeout = 0.01  # too short for any LibreOffice to say it is ready
    try:
        pictures = soffice.render_thumbnails(deck, tmp_path / "out")
    finally:
        own.start_timeout = converter.START_TIMEOUT
    assert len(pictures) == 8 and own.pid is None
    assert "one-shot soffice" in caplog.text
