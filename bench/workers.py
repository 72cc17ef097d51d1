"""Decks per minute with 1, 2 and 4 qcluster workers, on SQLite + ORM broker and PostgreSQL + Redis.

Run:  .venv/bin/python bench/workers.py [--decks 120] [--workers 1,2,4]
          [--backends sqlite,postgres] [--repeat 1] [--max-other 20]
          [--postgres-url postgres://postgres@127.0.0.1:5432/postgres]
          [--redis-url redis://127.0.0.1:6379/9] [--stop main|group]
          [--outline FILE ...] [--keep]
Each "worker" is its own `manage.py qcluster` process with Q_WORKERS=1 (as on
separate hosts), all sharing one DATA_DIR (a temp folder) and one database.
For every backend and worker count the state is fresh: a new SQLite file (or a
new scratch PostgreSQL database, and the Redis database flushed), migrated,
then the workers are started and awaited (every cluster up in
django_q.status.Stat, the start-up schedules drained).  A child process with
the run's settings then queues the batch the way the web UI and the API do
(`generator.decks.lifecycle.queue_deck`: the outline validated, a queued row, then
`queueing.generation` after commit) and waits for every deck.

The batch cycles the corpus outline tests/corpus/markdown/ja-ev-entry.md (4
slides: summary, table, two columns) and examples/every-kind.en.md and
every-kind.ja.md (32 slides each: every slide kind and chart type, English and
Japanese): 120 decks = 40 of each, 2,720 slides; one worker needs about 30 s,
long enough that the broker's 1 s poll and the start-up are a small share.
Time runs from the first enqueue to the `finished_at` of the last deck.  Every
deck must end `done` exactly once: each row done with its own .pptx (no stray
file under DATA_DIR), one successful django-q2 task each, run by a worker once
("processing deck-N" once in the log), none failed, the broker queue empty.
Peak RSS sums every process of every qcluster (main, sentinel, pusher, monitor,
worker), sampled every 0.25 s; forked processes share pages, so the sum
over-counts what the machine spends (PSS, also printed, counts shared pages
once).  CPU is the whole machine's use during the batch (and the workers' own).
With --repeat N each backend and worker count runs N times (interleaved) and
the median run is kept.  The machine may be shared: before a batch the
benchmark waits for it to be quiet, and a batch during which other processes
took more than --max-other % of a core is run again (up to 3 times).
Workers are stopped like bin/stop: SIGTERM to each qcluster's main process,
which stops its own processes in order, SIGKILL to the process group after
30 s (--stop group sends SIGTERM to every process of the group at once, which
leaves qcluster hanging until the SIGKILL).  Slide pictures are off (PREVIEWS_ENABLED=false): this measures
deck generation.  Any failure prints why and exits 1; processes, the scratch
database, the Redis database and the temp folders are cleaned up in every case.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    ROOT / "tests" / "corpus" / "markdown" / "ja-ev-entry.md",
    ROOT / "examples" / "every-kind.en.md",
    ROOT / "examples" / "every-kind.ja.md",
]
LABELS = {"sqlite": "SQLite + ORM broker", "postgres": "PostgreSQL + Redis"}
STOP_GRACE = 30.0
UP_TIMEOUT = 90.0
QUIET_PERCENT = 30.0  # CPU % of one core the idle machine may use before a batch starts
QUIET_WAIT = 300.0
RETRIES = 3  # runs disturbed by other work on the machine are run again this many times


class BenchFailure(Exception):
    """A run that cannot give a figure: the message says why."""


# -- backends: fresh state and clean-up (bench/health_load.py uses these too) -----------
def _redacted(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{parts.username}@{host}" if parts.username else host
    return urlunsplit(parts._replace(netloc=f"{netloc}:{parts.port}" if parts.port else netloc))


def check_services(postgres_url: str, redis_url: str) -> None:
    """Raise BenchFailure when PostgreSQL or Redis does not answer."""
    import psycopg
    import redis

    try:
        with psycopg.connect(postgres_url, autocommit=True, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:
        raise BenchFailure(f"PostgreSQL is unreachable at {_redacted(postgres_url)}: "
                           f"{str(exc).strip().splitlines()[0]}") from None
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=5).ping()
    except Exception as exc:
        raise BenchFailure(f"Redis is unreachable at {_redacted(redis_url)}: {exc}") from None


@contextlib.contextmanager
def scratch_backend(kind: str, work: Path, *, postgres_url: str, redis_url: str):
    """Environment overrides for a fresh backend in `work`; removed again on exit.

    sqlite: a new database file in work/data (and the ORM broker, the database cache).
    postgres: a new scratch database on the server of `postgres_url` (dropped on
    exit, WITH (FORCE)) and the Redis database of `redis_url` flushed before and after.
    """
    env = {"DATA_DIR": str(work / "data"), "LOG_DIR": str(work / "logs"),
           "BACKUP_DIR": str(work / "backups"), "REPORT_DIR": str(work / "reports")}
    if kind == "sqlite":
        yield env
        return
    if kind != "postgres":
        raise BenchFailure(f"unknown backend {kind!r} (sqlite or postgres)")
    import psycopg
    import redis

    check_services(postgres_url, redis_url)
    name = f"bcgslides_bench_{os.getpid()}_{int(time.time() * 1000) % 10**8}"
    admin = psycopg.connect(postgres_url, autocommit=True, connect_timeout=5)
    cache = redis.Redis.from_url(redis_url, socket_connect_timeout=5)
    try:
        admin.execute(f'CREATE DATABASE "{name}"')
        cache.flushdb()
        env["DATABASE_URL"] = urlunsplit(urlsplit(postgres_url)._replace(path=f"/{name}"))
        env["REDIS_URL"] = redis_url
        yield env
    finally:
        try:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            admin.close()
            with contextlib.suppress(Exception):
                cache.flushdb()
                cache.close()


def stop_group(process: subprocess.Popen, grace: float = STOP_GRACE) -> tuple[float, bool]:
    """SIGTERM to the process group, SIGKILL after `grace` s; (seconds taken, killed)."""
    return stop_groups([process], grace)[0]


def stop_groups(processes: list[subprocess.Popen], grace: float = STOP_GRACE, *,
                main_only: bool = False) -> list[tuple[float, bool]]:
    """Stop several process groups at once (like bin/stop on every host): SIGTERM to each
    group (`main_only`: to its leader only, as bin/stop does for qcluster), SIGKILL to the
    groups still there after `grace` s.  Per group: (seconds until no live process of it
    was left, whether SIGKILL was needed)."""
    started = time.monotonic()
    for process in processes:
        with contextlib.suppress(ProcessLookupError):
            if main_only:
                os.kill(process.pid, signal.SIGTERM)
            else:
                os.killpg(process.pid, signal.SIGTERM)
    outcome: dict[int, tuple[float, bool]] = {}
    killed: set[int] = set()
    while len(outcome) < len(processes):
        alive = _live_groups()
        for process in processes:
            process.poll()
            if process.pid in outcome:
                continue
            if process.returncode is not None and process.pid not in alive:
                outcome[process.pid] = (time.monotonic() - started, process.pid in killed)
            elif time.monotonic() - started > grace and process.pid not in killed:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                killed.add(process.pid)
        if time.monotonic() - started > grace + 15:
            raise BenchFailure("process groups survived SIGKILL: " + ", ".join(
                str(p.pid) for p in processes if p.pid not in outcome))
        time.sleep(0.1)
    return [outcome[process.pid] for process in processes]


def _live_groups() -> set[int]:
    """Process group ids that have a live (not zombie) process."""
    import psutil

    groups = set()
    for proc in psutil.process_iter(["status"]):
        if proc.info["status"] == psutil.STATUS_ZOMBIE:
            continue
        with contextlib.suppress(OSError):
            groups.add(os.getpgid(proc.pid))
    return groups


def child_env(overrides: dict[str, str]) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in {"DATABASE_URL", "REDIS_URL", "DATA_DIR", "LOG_DIR", "BACKUP_DIR",
                          "REPORT_DIR", "Q_WORKERS", "Q_SYNC"}}
    env.update(DJANGO_SETTINGS_MODULE="bcgslides.settings", PREVIEWS_ENABLED="false",
               PYTHONUNBUFFERED="1", **overrides)
    return env


def migrate(env: dict[str, str]) -> None:
    result = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT,
                            env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BenchFailure("migrate failed:\n" + (result.stderr or result.stdout)[-2000:])


# -- the driver: a child process with the run's settings -------------------------------
def _drive(workers: int, outlines: list[str], count: int, timeout: float) -> None:
    """Wait for the clusters, queue the batch like the web UI, wait, verify; print JSON."""
    import django

    django.setup()
    sources = _batch(count, [Path(path) for path in outlines])
    report: dict = {"ok": False}
    try:
        report.update(_drive_checked(workers, sources, timeout))
        report["ok"] = not report.get("problems")
    except BenchFailure as exc:
        report["error"] = str(exc)
    print("RESULT " + json.dumps(report), flush=True)


def _drive_checked(workers: int, sources: list[str], timeout: float) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone
    from django_q.brokers import get_broker
    from django_q.conf import Conf
    from django_q.status import Stat

    from generator.decks import lifecycle
    from generator.sources import spec_from_source
    from generator.models import GeneratedPresentation

    broker = get_broker()
    deadline = time.monotonic() + UP_TIMEOUT
    while True:
        up = {s.cluster_id: s for s in Stat.get_all(broker)
              if s.status in (Conf.IDLE, Conf.WORKING)}
        if len(up) >= workers:
            break
        if time.monotonic() > deadline:
            raise BenchFailure(f"only {len(up)} of {workers} clusters reported up in django_q "
                               f"Stat within {UP_TIMEOUT:.0f} s")
        time.sleep(0.3)
    while (broker.queue_size() or 0) > 0:  # the start-up schedules (metrics, stale lifecycle...)
        if time.monotonic() > deadline:
            raise BenchFailure("the broker queue did not drain after start-up")
        time.sleep(0.3)
    time.sleep(1.0)
    cpu = _CpuMeter({stat.pid for stat in up.values()},
                    connection.settings_dict["NAME"] if connection.vendor == "postgresql"
                    else None)

    owner = get_user_model().objects.create_user("bench-workers")
    texts = [Path(path).read_text(encoding="utf-8") for path in sources]
    batch = [(text, spec_from_source("markdown", text)) for text in texts]  # the form's validation
    waited, busy_before = _wait_quiet()
    cpu.start()
    started = timezone.now()
    rows = [lifecycle.queue_deck(owner=owner, spec=spec, source_kind="markdown", source_text=text)
            for text, spec in batch]
    queued_in = (timezone.now() - started).total_seconds()
    ids = [row.pk for row in rows]
    deadline = time.monotonic() + timeout
    Status = GeneratedPresentation.Status
    while True:
        states = dict.fromkeys(Status.values, 0)
        for status in GeneratedPresentation.objects.filter(pk__in=ids).values_list("status",
                                                                                   flat=True):
            states[status] += 1
        if states[Status.QUEUED] + states[Status.RUNNING] == 0:
            break
        if time.monotonic() > deadline:
            stuck = list(GeneratedPresentation.objects.filter(
                pk__in=ids, status__in=[Status.QUEUED, Status.RUNNING])
                .order_by("-status", "pk").values_list("pk", "status", "stage", "progress")[:10])
            raise BenchFailure(f"not finished after {timeout:.0f} s: "
                               + ", ".join(f"{k} {v}" for k, v in states.items() if v)
                               + "; e.g. " + ", ".join(f"deck {pk} {status} at {stage} "
                                                      f"{progress}%"
                                                      for pk, status, stage, progress in stuck))
        time.sleep(0.2)
    used = cpu.stop()
    last = max(GeneratedPresentation.objects.filter(pk__in=ids, finished_at__isnull=False)
               .values_list("finished_at", flat=True), default=started)
    slides = sum(GeneratedPresentation.objects.filter(pk__in=ids).values_list("slide_count",
                                                                              flat=True))
    spans = sorted((done - begun).total_seconds() for done, begun in GeneratedPresentation.objects
                   .filter(pk__in=ids, slide_count__gt=8)
                   .values_list("finished_at", "started_at") if done and begun)
    return {"seconds": (last - started).total_seconds(), "queued_in": queued_in,
            "ids": ids, "slides": slides, "cpu_machine": used["machine"],
            "cpu_workers": used["workers"], "cpu_other": used["other"],
            "waited": waited, "busy_before": busy_before,
            "long_deck": spans[len(spans) // 2] if spans else 0.0,
            "problems": _verify(ids, broker)}


def _wait_quiet(limit: float = QUIET_PERCENT, longest: float = QUIET_WAIT) -> tuple[float, float]:
    """Wait (up to `longest` s) until the machine is nearly idle, so that other work on a
    shared machine does not land in the measurement; (seconds waited, last CPU % of one core)."""
    import psutil

    started = time.monotonic()
    cores = psutil.cpu_count() or 1
    while True:
        busy = psutil.cpu_percent(interval=1.0) * cores
        if busy <= limit or time.monotonic() - started >= longest:
            return time.monotonic() - started, busy


class _CpuMeter:
    """CPU use between start() and stop(), in % of one core: the whole machine, the worker
    clusters (every process of their process groups), and other work on the machine
    (processes that are neither the workers, this benchmark, nor the database server
    working for this run's database), so that a run disturbed by someone else shows."""

    AUX = ("checkpointer", "background writer", "walwriter", "autovacuum", "logical",
           "stats", "archiver", "startup")

    def __init__(self, groups: set[int], database: str | None):
        self.groups = groups | {os.getpgid(0)}
        self.database = database

    def _side(self, info: dict) -> str:
        """'workers', 'ours' (this benchmark, our database work) or 'other'."""
        if info["pid"] == os.getppid():
            return "ours"
        try:
            if os.getpgid(info["pid"]) in self.groups:
                return "workers"
        except OSError:
            return "ours"
        cmd = " ".join(info["cmdline"] or [])
        if not cmd:  # kernel threads
            return "ours"
        if info["name"] == "redis-server":
            return "ours" if self.database else "other"
        if info["name"] in ("postgres", "postmaster") or cmd.startswith("postgres"):
            if not self.database:
                return "other"
            words = cmd.split()
            if len(words) < 3 or not cmd.startswith("postgres:") or cmd.startswith(
                    tuple(f"postgres: {word}" for word in self.AUX)):
                return "ours"  # the postmaster and its helpers work for every database
            return "ours" if words[2] == self.database else "other"
        return "other"

    def _sample(self) -> tuple[float, float, dict[int, tuple[float, str, float]]]:
        import psutil

        times = psutil.cpu_times()
        busy = sum(times) - times.idle - getattr(times, "iowait", 0.0)
        procs = {}
        for proc in psutil.process_iter(["pid", "name", "cmdline", "create_time",
                                         "cpu_times"]):
            info = proc.info
            if info["cpu_times"] is None:
                continue
            used = info["cpu_times"].user + info["cpu_times"].system
            procs[info["pid"]] = (info["create_time"], self._side(info), used)
        return time.monotonic(), busy, procs

    def start(self) -> None:
        self.first = self._sample()

    def stop(self) -> dict[str, float]:
        wall, busy, procs = self._sample()
        shares = {"workers": 0.0, "ours": 0.0, "other": 0.0}
        before = self.first[2]
        for pid, (created, side, used) in procs.items():
            if pid in before and before[pid][0] == created:
                used -= before[pid][2]
            shares[side] += used
        seconds = wall - self.first[0]
        result = {side: 100 * used / seconds for side, used in shares.items()}
        result["machine"] = 100 * (busy - self.first[1]) / seconds
        # Processes that started and ended within the batch are nobody's above; they are not
        # ours (the benchmark starts none meanwhile), so other work is what is left over.
        result["other"] = max(result["other"],
                              result["machine"] - result["workers"] - result["ours"])
        return result


def _verify(ids: list[int], broker) -> list[str]:
    """Every deck done once: row done, its own file, one successful task; queue empty."""
    from django.conf import settings
    from django.core.files.storage import default_storage
    from django_q.models import Task

    from generator.models import GeneratedPresentation

    def local(name: str) -> Path | None:  # an absolute path, or a storage name (shared files)
        if Path(name).is_absolute():
            return Path(name)
        try:
            return Path(default_storage.path(name))
        except NotImplementedError:
            return None

    problems = []
    names = {f"deck-{pk}" for pk in ids}
    deadline = time.monotonic() + 30  # the monitors save task results after the rows
    while Task.objects.filter(name__in=names).count() < len(ids) and time.monotonic() < deadline:
        time.sleep(0.2)
    rows = list(GeneratedPresentation.objects.filter(pk__in=ids).order_by("pk"))
    files, with_files = set(), 0
    for row in rows:
        path = local(row.file) if row.file else None
        if row.file:
            files.add(path)
            with_files += 1
        if row.status != "done":
            problems.append(f"deck {row.pk} ended {row.status}: {row.error[:200]}")
        elif not row.file or not (path.is_file() if path else default_storage.exists(row.file)):
            problems.append(f"deck {row.pk} is done but its file is missing ({row.file!r})")
        if getattr(row, "attempts", 1) != 1:  # claims counted by the worker liveness code
            problems.append(f"deck {row.pk} was claimed {row.attempts} times")
    if len(files) != with_files:
        problems.append(f"{with_files} decks share {len(files)} files")
    data = Path(settings.DATA_DIR)
    on_disk = {p for p in data.rglob("*.pptx") if (data / "cache") not in p.parents}
    if None not in files and on_disk != files:
        problems.append(f"{len(on_disk)} .pptx files under DATA_DIR for {len(files)} decks "
                        f"({len(on_disk - files)} stray)")
    tasks = list(Task.objects.filter(name__in=names).values_list("name", "success",
                                                                 "attempt_count"))
    if len(tasks) != len(ids):
        problems.append(f"{len(tasks)} django-q2 task results for {len(ids)} decks")
    for name, success, attempts in tasks:
        if not success or attempts != 1:
            problems.append(f"task {name}: success={success}, attempts={attempts}")
    waiting = broker.queue_size() or 0
    if waiting:
        problems.append(f"{waiting} tasks still in the broker queue")
    return problems


# -- the parent: processes, memory, logs -------------------------------------------------
@dataclass
class Run:
    backend: str
    workers: int
    decks: int = 0
    seconds: float = 0.0
    slides: int = 0
    rss_mb: float = 0.0
    pss_mb: float = 0.0
    cpu_machine: float = 0.0
    cpu_workers: float = 0.0
    cpu_other: float = 0.0
    long_deck: float = 0.0
    waited: float = 0.0
    busy_before: float = 0.0
    queued_in: float = 0.0
    stop: list[tuple[float, bool]] = field(default_factory=list)
    split: list[int] = field(default_factory=list)
    log_problems: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.decks / self.seconds * 60


class MemorySampler(threading.Thread):
    """Peak of the summed RSS (every 0.25 s) and PSS (every 1 s) of the worker process trees;
    also maps every pid seen to its worker."""

    def __init__(self, processes: list[subprocess.Popen]):
        super().__init__(daemon=True)
        self.processes = processes
        self.peak_rss = self.peak_pss = 0
        self.owner: dict[int, int] = {}
        self.halt = threading.Event()

    def run(self) -> None:
        import psutil

        tick = 0
        while not self.halt.is_set():
            rss = pss = 0
            for index, process in enumerate(self.processes):
                try:
                    leader = psutil.Process(process.pid)
                    tree = [leader, *leader.children(recursive=True)]
                except psutil.Error:
                    continue
                for proc in tree:
                    self.owner[proc.pid] = index
                    try:
                        rss += proc.memory_info().rss
                        if tick % 4 == 0:
                            pss += proc.memory_full_info().pss
                    except psutil.Error:
                        pass
            self.peak_rss = max(self.peak_rss, rss)
            self.peak_pss = max(self.peak_pss, pss)
            tick += 1
            self.halt.wait(0.25)


def _log_problems(work: Path) -> list[str]:
    """ERROR/CRITICAL lines and tracebacks in app_error.log and in what the workers and the
    driver printed (a line logged to both is listed once)."""
    found: dict[str, str] = {}
    paths = [work / "logs" / "app_error.log", *sorted(work.glob("qcluster-*.log")),
             work / "driver.err"]
    for path in paths:
        if not path.is_file():
            continue
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if re.search(r"\b(ERROR|CRITICAL)\b|Traceback", line):
                found.setdefault(line.strip(), f"{path.name}: {line.strip()[:300]}")
    return list(found.values())


def _split(work: Path, sampler: MemorySampler, workers: int, ids: list[int]) -> tuple[list[int],
                                                                                     list[str]]:
    """Decks each worker ran, from django-q2's "processing deck-N" log lines."""
    counts, runs, problems = [0] * workers, {}, []
    log = work / "logs" / "app.log"
    text = log.read_text(encoding="utf-8", errors="replace") if log.is_file() else ""
    for match in re.finditer(r" (\d+) \S+ processing deck-(\d+) ", text):
        pid, deck = int(match.group(1)), int(match.group(2))
        runs[deck] = runs.get(deck, 0) + 1
        if pid in sampler.owner:
            counts[sampler.owner[pid]] += 1
    for deck in ids:
        if runs.get(deck, 0) != 1:
            problems.append(f"deck-{deck} was run {runs.get(deck, 0)} times by the workers")
    return counts, problems


def run_one(backend: str, workers: int, sources: list[str], args) -> Run:
    work = Path(tempfile.mkdtemp(prefix="bcgslides-bench-workers-"))
    try:
        with scratch_backend(backend, work, postgres_url=args.postgres_url,
                             redis_url=args.redis_url) as overrides:
            return _measure(backend, workers, sources, args, work, child_env(overrides))
    finally:
        if args.keep:
            print(f"    (files kept in {work})", flush=True)
        else:
            shutil.rmtree(work, ignore_errors=True)


def _measure(backend: str, workers: int, sources: list[str], args, work: Path,
             env: dict[str, str]) -> Run:
    """One run on a fresh backend; every process it starts is stopped before it returns."""
    run = Run(backend, workers, decks=len(sources))
    processes: list[subprocess.Popen] = []
    logs = []
    driver = sampler = None
    migrate(env)
    try:
        for index in range(workers):
            log = open(work / f"qcluster-{index + 1}.log", "wb")  # noqa: SIM115
            logs.append(log)
            processes.append(subprocess.Popen(
                [sys.executable, "manage.py", "qcluster"], cwd=ROOT,
                env=dict(env, Q_WORKERS="1"), stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True))
        sampler = MemorySampler(processes)
        sampler.start()
        script = (f"import sys; sys.path.insert(0, {str(ROOT)!r}); "
                  "from bench.workers import _drive; "
                  f"_drive({workers}, {sorted(set(sources), key=sources.index)!r}, "
                  f"{len(sources)}, {args.timeout!r})")
        with open(work / "driver.out", "wb") as out, open(work / "driver.err", "wb") as err:
            driver = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=env,
                                      stdout=out, stderr=err, start_new_session=True)
        limit = time.monotonic() + args.timeout + UP_TIMEOUT + QUIET_WAIT + 120
        while driver.poll() is None:
            if time.monotonic() > limit:
                raise BenchFailure(f"{backend}, {workers} worker(s): the driver did not finish")
            dead = [i for i, p in enumerate(processes) if p.poll() is not None]
            if dead:
                tail = (work / f"qcluster-{dead[0] + 1}.log").read_text(errors="replace")[-1500:]
                raise BenchFailure(f"{backend}: qcluster worker {dead[0] + 1} of {workers} "
                                   f"exited (code {processes[dead[0]].returncode}); its output:\n"
                                   f"{tail or '(none)'}")
            time.sleep(0.2)
        out = (work / "driver.out").read_text(encoding="utf-8", errors="replace")
        err = (work / "driver.err").read_text(encoding="utf-8", errors="replace")
        sampler.halt.set()
        sampler.join()
        result = next((json.loads(line[7:]) for line in out.splitlines()
                       if line.startswith("RESULT ")), None)
        if result is None:
            raise BenchFailure(f"{backend}, {workers} worker(s): the driver crashed:\n"
                               f"{err[-2000:]}")
        if result.get("error"):
            raise BenchFailure(f"{backend}, {workers} worker(s): {result['error']}")
        run.stop = stop_groups(processes, main_only=args.stop == "main")
        processes = []
        run.seconds, run.queued_in = result["seconds"], result["queued_in"]
        run.slides = result["slides"]
        run.cpu_machine, run.cpu_workers = result["cpu_machine"], result["cpu_workers"]
        run.cpu_other, run.long_deck = result["cpu_other"], result["long_deck"]
        run.waited, run.busy_before = result["waited"], result["busy_before"]
        run.rss_mb, run.pss_mb = sampler.peak_rss / 2**20, sampler.peak_pss / 2**20
        run.split, twice = _split(work, sampler, workers, result["ids"])
        run.log_problems = _log_problems(work)
        problems = result["problems"] + twice
        if problems:
            raise BenchFailure(f"{backend}, {workers} worker(s): not every deck was done exactly "
                               "once:\n  " + "\n  ".join(problems[:20]))
        return run
    finally:
        if sampler is not None:
            sampler.halt.set()
        if driver is not None and driver.poll() is None:
            stop_group(driver, grace=5)
        stop_groups(processes, main_only=args.stop == "main")
        for log in logs:
            log.close()


def _batch(count: int, outlines: list[Path]) -> list[str]:
    return [str(outlines[i % len(outlines)]) for i in range(count)]


def add_service_options(parser: argparse.ArgumentParser) -> None:
    """--postgres-url and --redis-url: where the PostgreSQL + Redis runs make their scratch state."""
    parser.add_argument("--postgres-url", default=os.environ.get(
        "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="a server where the scratch database can be created (BENCH_POSTGRES_URL)")
    parser.add_argument("--redis-url", default=os.environ.get(
        "BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"),
        help="a Redis database of the benchmark's own: it is flushed (BENCH_REDIS_URL)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decks", type=int, default=120, help="decks in the batch")
    parser.add_argument("--workers", default="1,2,4", help="worker counts, e.g. 1,2,4")
    parser.add_argument("--backends", default="sqlite,postgres", help="sqlite,postgres")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs of each backend and worker count (the median is kept)")
    add_service_options(parser)
    parser.add_argument("--timeout", type=float, default=900.0,
                        help="seconds a batch may take before the run fails")
    parser.add_argument("--max-other", type=float, default=20.0,
                        help="CPU %% of one core that other work on the machine may take "
                             f"during a batch; a run above it is run again (up to {RETRIES} "
                             "times)")
    parser.add_argument("--stop", choices=["main", "group"], default="main",
                        help="whom SIGTERM goes to when a run ends: each qcluster's main "
                             "process (as bin/stop does) or its whole process group; SIGKILL "
                             "to the group after 30 s either way")
    parser.add_argument("--outline", action="append", type=Path, default=None,
                        help="an outline to cycle instead of the default three (repeatable)")
    parser.add_argument("--keep", action="store_true",
                        help="keep each run's temp folder (logs, decks) for inspection")
    args = parser.parse_args()
    try:
        counts = [int(n) for n in args.workers.split(",") if n.strip()]
        backends = [b.strip() for b in args.backends.split(",") if b.strip()]
        if not counts or min(counts) < 1 or args.decks < 1 or args.repeat < 1:
            raise ValueError
    except ValueError:
        sys.exit("--workers must be positive counts like 1,2,4; --decks and --repeat at least 1")
    unknown = set(backends) - set(LABELS)
    if unknown or not backends:
        sys.exit(f"unknown backend(s): {', '.join(sorted(unknown))} (sqlite, postgres)")
    outlines = [path.resolve() for path in (args.outline or SOURCES)]
    missing = [str(path) for path in outlines if not path.is_file()]
    if missing:
        sys.exit(f"no such outline: {', '.join(missing)}")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # clean up on SIGTERM too

    sources = _batch(args.decks, outlines)
    shares = ", ".join(f"{path.name} x{sources.count(str(path))}" for path in outlines
                       if str(path) in sources)
    print(f"batch: {args.decks} decks ({shares}); {os.cpu_count()} cores; previews off; "
          f"one qcluster per worker, Q_WORKERS=1; {args.repeat} run(s) each", flush=True)
    runs: list[Run] = []
    try:
        if "postgres" in backends:
            check_services(args.postgres_url, args.redis_url)
        for backend in backends:
            for _ in range(args.repeat):  # interleaved, so a slow spell touches every count
                for workers in counts:
                    for attempt in range(RETRIES + 1):
                        run = run_one(backend, workers, sources, args)
                        _progress(run)
                        if run.cpu_other <= args.max_other:
                            break
                        if attempt < RETRIES:
                            print(f"    disturbed: other work on the machine took "
                                  f"{run.cpu_other:.0f}% of a core (> {args.max_other:.0f}%); "
                                  "running it again", flush=True)
                    runs.append(run)
    except BenchFailure as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        sys.exit(1)
    _table(runs, backends, counts, args.max_other)


def _progress(run: Run) -> None:
    stops = ", ".join(f"{s:.1f} s" + (" (SIGKILL)" if k else "") for s, k in run.stop)
    print(f"{LABELS[run.backend]}, {run.workers} worker(s): {run.decks} decks, {run.slides} "
          f"slides in {run.seconds:.1f} s (queued in {run.queued_in:.1f} s; a deck of over 8 "
          f"slides took {run.long_deck:.2f} s, median); decks per worker "
          f"{'/'.join(map(str, run.split))}; CPU {run.busy_before:.0f}% before, "
          f"{run.cpu_machine:.0f}% machine, {run.cpu_workers:.0f}% workers, "
          f"{run.cpu_other:.0f}% other work; stopped after SIGTERM in {stops}; "
          f"log errors: {len(run.log_problems)}", flush=True)
    if run.busy_before > QUIET_PERCENT:
        print(f"    warning: the machine was still busy ({run.busy_before:.0f}% of one core) "
              f"after waiting {run.waited:.0f} s for quiet: this run is disturbed", flush=True)
    elif run.waited > 2:
        print(f"    (waited {run.waited:.0f} s for the machine to be quiet)", flush=True)
    for line in run.log_problems[:10]:
        print(f"    {line}", flush=True)


def _table(runs: list[Run], backends: list[str], counts: list[int], max_other: float) -> None:
    kept: list[tuple[Run, list[Run]]] = []
    for backend in backends:
        for workers in counts:
            same = sorted((r for r in runs if r.backend == backend and r.workers == workers),
                          key=lambda r: r.seconds)
            kept.append((same[(len(same) - 1) // 2], same))
    print()
    print(f"{'backend':<22}{'workers':>8}{'decks':>7}{'seconds':>9}{'decks/min':>11}"
          f"{'speed-up':>10}{'peak RSS':>11}{'peak PSS':>11}{'CPU':>7}")
    for run, same in kept:
        base = next((r for r, _ in kept if r.backend == run.backend and r.workers == 1), None)
        speedup = f"{run.rate / base.rate:.2f}x" if base else "n/a"
        spread = (f"  ({min(r.seconds for r in same):.1f}-{max(r.seconds for r in same):.1f} s)"
                  if len(same) > 1 else "")
        print(f"{LABELS[run.backend]:<22}{run.workers:>8}{run.decks:>7}{run.seconds:>9.1f}"
              f"{run.rate:>11.1f}{speedup:>10}{max(r.rss_mb for r in same):>8.0f} MB"
              f"{max(r.pss_mb for r in same):>8.0f} MB{run.cpu_machine:>6.0f}%{spread}")
    disturbed = [run for run, _ in kept if run.cpu_other > max_other]
    if disturbed:
        print("DISTURBED (other work on the machine during the batch): " + ", ".join(
            f"{LABELS[r.backend]} {r.workers} worker(s) {r.cpu_other:.0f}%" for r in disturbed))
    print("seconds: first enqueue to the last deck done (the median run); speed-up: decks/min "
          "against 1 worker on the same backend; peak RSS sums every process of every qcluster "
          "(shared pages counted in each), PSS counts them once; CPU: the whole machine during "
          f"the batch, % of one core ({os.cpu_count()} cores = {100 * (os.cpu_count() or 1)}%)")


if __name__ == "__main__":
    main()
