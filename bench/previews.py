"""From submit to every slide picture shown, for 10- and 30-slide decks, with a cold
LibreOffice (one soffice per deck) and a warm one (one per worker, `generator.previews.converter`).

Run:  .venv/bin/python bench/previews.py [--runs 3] [--slides 10,30]

A fresh DATA_DIR (a temp folder, SQLite, migrated).  Each run submits a deck the way the web UI
does (`lifecycle.queue_deck`), then plays the worker in this process: the same task functions a
qcluster runs (`tasks.generate_presentation`, then `tasks.render_previews`), without the
broker's hop.  A thread plays the deck page: it polls the page's JSON (`/decks/<id>/status.json`,
Django's test client, every 0.1 s) and notes when the deck is done and when every picture and
the PDF are listed.  The page itself polls every 0.5 s, so a reader sees them up to 0.5 s later.
Decks: the first 10 and all 30 slides of bench/deck30.py (every kind and chart type).  Warm runs
come after one unmeasured deck that starts the converter, as in a worker that has made a deck.
Goal (issue 13): a 10-slide deck's pictures within 1.5 s of the deck being done.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_SECONDS = 1.5


def _setup(data: Path) -> None:
    os.environ["DATA_DIR"] = str(data)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bcgslides.settings")
    for name in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


class PageWatcher(threading.Thread):
    """The deck page: polls its JSON and notes when the deck is done and its pictures shown."""

    def __init__(self, user, pk: int, slides: int):
        super().__init__(daemon=True)
        self.user, self.pk, self.slides = user, pk, slides
        self.done_at = self.shown_at = None
        self.stop = threading.Event()

    def run(self) -> None:
        from django.db import connection
        from django.test import Client

        client = Client()
        client.force_login(self.user)
        try:
            while not self.stop.is_set():
                data = client.get(f"/decks/{self.pk}/status.json").json()
                now = time.perf_counter()
                if data["status"] == "done" and self.done_at is None:
                    self.done_at = now
                if len(data["pictures"]) == self.slides and data["pdf_url"]:
                    self.shown_at = now
                    return
                time.sleep(0.1)
        finally:
            connection.close()


def one_deck(user, spec_dict: dict) -> dict:
    """Submit, generate, render pictures; the seconds from submit to done and to shown."""
    from django.conf import settings
    from django.db import transaction

    from generator.decks import lifecycle

    from generator import tasks
    from generator.models import GeneratedPresentation
    from generator.spec import load_spec

    spec = load_spec(spec_dict)
    started = time.perf_counter()
    with transaction.atomic():  # the web UI's request; its on-commit enqueue goes to the broker
        row = lifecycle.queue_deck(owner=user, spec=spec, source_kind="spec", source_text="{}")
    watcher = PageWatcher(user, row.pk, len(spec.slides))
    watcher.start()
    tasks.generate_presentation(row.pk)
    tasks.render_previews(row.pk)
    watcher.join(timeout=600)
    watcher.stop.set()
    row = GeneratedPresentation.objects.get(pk=row.pk)
    if row.status != row.Status.DONE or watcher.shown_at is None:
        raise SystemExit(f"deck {row.pk} ended {row.status} {row.error!r}; pictures not shown")
    assert settings.PREVIEWS_ENABLED
    return {"done": watcher.done_at - started, "shown": watcher.shown_at - started,
            "after_done": watcher.shown_at - watcher.done_at}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--slides", default="10,30")
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="bench-previews-"))
    try:
        _setup(data / "data")
        _bench(args)
    finally:
        shutil.rmtree(data, ignore_errors=True)


def _bench(args) -> None:
    import deck30
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from generator.previews import converter, soffice

    settings.PREVIEWS_ENABLED = True
    if not soffice.available():
        raise SystemExit("previews need LibreOffice and pdftoppm (bin/setup installs them)")
    if converter.uno_python() is None:
        raise SystemExit("the warm converter needs python3-uno (bin/setup installs it)")
    user = get_user_model().objects.create_user("bench", password="bench-pw-123")
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    results = {}
    for mode in ("cold", "warm"):
        settings.PREVIEWS_WARM_CONVERTER = mode == "warm"
        if mode == "warm":
            one_deck(user, _deck(deck30, 3))  # the worker's first deck starts its converter
        for count in (int(n) for n in args.slides.split(",")):
            runs = [one_deck(user, _deck(deck30, count)) for _ in range(args.runs)]
            results[mode, count] = runs
            done, shown, after = ([r[key] for r in runs] for key in ("done", "shown", "after_done"))
            print(f"{mode:4} {count:2} slides: submit→done {statistics.median(done):.2f} s, "
                  f"submit→every picture shown {statistics.median(shown):.2f} s, "
                  f"done→shown {statistics.median(after):.2f} s (median of {args.runs}; "
                  f"{min(after):.2f}–{max(after):.2f})")
    for count in (int(n) for n in args.slides.split(",")):
        print(breakdown(deck30, count))
    if ("warm", 10) in results:
        after = statistics.median(r["after_done"] for r in results["warm", 10])
        verdict = "met" if after <= GOAL_SECONDS else "NOT met"
        print(f"goal: a 10-slide deck's pictures within {GOAL_SECONDS} s of done: {after:.2f} s, "
              f"{verdict}")
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    converter.for_this_process().close()


def _group_cpu(pgid: int) -> float:
    """CPU seconds used so far by the live processes of process group `pgid`."""
    total, tick = 0, os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text() if entry.name.isdigit() else ""
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split() if stat else []
        if fields and int(fields[2]) == pgid:
            total += int(fields[11]) + int(fields[12])
    return total / tick


def breakdown(deck30, count: int) -> str:
    """Wall and CPU seconds of the warm pipeline's two steps (CPU does not grow with load)."""
    import resource

    from generator.previews import converter, soffice
    from generator.render import render
    from generator.spec import load_spec

    warm = converter.for_this_process()
    with tempfile.TemporaryDirectory() as work_name:
        work = Path(work_name)
        render(load_spec(_deck(deck30, count))).save(work / "deck.pptx")
        warm.to_pdf(work / "deck.pptx", work / "warmup.pdf")
        cpu, started = _group_cpu(warm.pid), time.perf_counter()
        warm.to_pdf(work / "deck.pptx", work / "deck.pdf")
        pdf_wall, pdf_cpu = time.perf_counter() - started, _group_cpu(warm.pid) - cpu
        children, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
        soffice._to_png(work / "deck.pdf", work, soffice.THUMB_WIDTH)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        png_wall = time.perf_counter() - started
        png_cpu = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
    return (f"warm {count:2} slides, steps: PDF {pdf_wall:.2f} s wall / {pdf_cpu:.2f} s CPU; "
            f"PNGs {png_wall:.2f} s wall / {png_cpu:.2f} s CPU")


def _deck(deck30, count: int) -> dict:
    deck = deck30.deck()
    return {**deck, "slides": deck["slides"][:count]}


if __name__ == "__main__":
    main()
