"""`/api/health` against a trivial JSON view, 50 concurrent clients, on the real server.

Run:  .venv/bin/python bench/health_load.py [--seconds 15] [--rounds 2] [--clients 50]
          [--workers 2] [--backend sqlite|postgres] [--postgres-url URL] [--redis-url URL]
Starts gunicorn (the production server config, gunicorn.conf.py) on a free
port with a fresh database, then drives it with wrk (Debian's package;
bin/setup --test installs it): `/api/health` and `/api/health/live` (the
liveness answer, a JSON view that runs no check: the trivial view of the same
server) in turns, `--rounds` times each for `--seconds`, so that other work on
a shared machine falls on both alike.  Prints requests/s, p50/p90/p99 latency
and errors (non-2xx answers, socket errors and timeouts) of each, health's
throughput as a share of the trivial view's, and the targets (issue 17: at
least 80 %, p99 <= 50 ms on the embedded default).  `/api/health` serves the
host's health snapshot, which the first request to find it older than
HEALTH_SNAPSHOT_SECONDS refreshes (operations/health_snapshot.py).

--backend sqlite (the default) is the embedded default: SQLite in a temp
DATA_DIR, the database cache, django-q2's ORM broker.  --backend postgres
runs the same on PostgreSQL + Redis: a scratch database created on the server
of --postgres-url (default postgres://postgres@127.0.0.1:5432/postgres, or
BENCH_POSTGRES_URL) and dropped afterwards, and the Redis database of
--redis-url (default redis://127.0.0.1:6379/9, or BENCH_REDIS_URL) as broker
and cache, flushed before and after.  The server is stopped with SIGTERM to its
process group, SIGKILL after 30 s; the temp folder, the scratch database and
the Redis database are cleaned up in every case, and an unreachable
PostgreSQL or Redis, a failed migration or a server that does not answer is
reported with exit status 1.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from workers import (  # noqa: E402  (bench/workers.py: scratch backends and process groups)
    LABELS,
    add_service_options,
    BenchFailure,
    migrate,
    scratch_backend,
    stop_group,
    _wait_quiet,
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchFailure(f"gunicorn exited (code {server.returncode}) before answering")
        try:
            urllib.request.urlopen(url, timeout=2).read()  # noqa: S310
            return
        except urllib.error.HTTPError:  # 503 (unhealthy) still means the server is up
            return
        except Exception:
            time.sleep(0.3)
    raise BenchFailure(f"the server did not answer at {url}")


def _server_env(overrides: dict[str, str], workers: int) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in {"DATABASE_URL", "REDIS_URL", "DATA_DIR", "LOG_DIR", "BACKUP_DIR",
                          "REPORT_DIR"}}
    env.update(DJANGO_SETTINGS_MODULE="bcgslides.settings", WEB_CONCURRENCY=str(workers),
               **overrides)
    return env


HEALTH, TRIVIAL = "/api/health", "/api/health/live"


def run(args) -> dict[str, list[tuple[str, float]]]:
    """Serve on a fresh backend, drive both URLs with wrk in turns; by URL, wrk's outputs
    and how busy the machine was (% of one core) just before each."""
    work = Path(tempfile.mkdtemp(prefix="bcgslides-bench-"))
    try:
        with scratch_backend(args.backend, work, postgres_url=args.postgres_url,
                             redis_url=args.redis_url) as overrides:
            env = _server_env(overrides, args.workers)
            migrate(env)
            port = _free_port()
            server = subprocess.Popen([str(ROOT / ".venv" / "bin" / "gunicorn"), "-c",
                                       "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
                                       "bcgslides.wsgi"], cwd=ROOT, env=env,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                      start_new_session=True)
            base = f"http://127.0.0.1:{port}"
            try:
                _wait(base + HEALTH, server)
                outputs: dict[str, list[tuple[str, float]]] = {HEALTH: [], TRIVIAL: []}
                for round_ in range(args.rounds):
                    order = (TRIVIAL, HEALTH) if round_ % 2 == 0 else (HEALTH, TRIVIAL)
                    for path in order:
                        _waited, busy = _wait_quiet(longest=args.quiet_wait)
                        outputs[path].append((_wrk(base + path, args), busy))
                return outputs
            finally:
                stop_group(server)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _wrk(url: str, args) -> str:
    threads = str(min(2, args.clients))  # wrk refuses fewer connections than threads
    result = subprocess.run(["wrk", "-t", threads, "-c", str(args.clients), "-d",
                             f"{args.seconds}s", "--timeout", "10s", "--latency", url],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise BenchFailure(f"wrk failed: {result.stderr.strip()[-500:]}")
    return result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=15, help="per URL and round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--quiet-wait", type=float, default=30.0,
                        help="seconds to wait for a quiet machine before each run (then runs"
                             " anyway, and says how busy the machine was)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--backend", choices=sorted(LABELS), default="sqlite",
                        help="sqlite (embedded default) or postgres (PostgreSQL + Redis)")
    add_service_options(parser)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (bin/setup --test installs it)")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # clean up on SIGTERM too
    try:
        outputs = run(args)
    except BenchFailure as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        sys.exit(1)
    _report(outputs, args)


def _parse(output: str) -> dict:
    def find(pattern: str, default: str = "0") -> str:
        match = re.search(pattern, output, re.MULTILINE)
        return match.group(1) if match else default

    socket_errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)",
                                                   find(r"Socket errors: (.*)", "")))
    # the "Latency Distribution" lines; unanchored, "50%" also matched the end of "+/- Stdev"
    # columns such as "75.50%" and gave the next word ("Latency") as p50
    p50, p90, p99 = (_ms(find(rf"^\s*{q}%\s+(\S+)")) for q in (50, 90, 99))
    return {"requests": int(find(r"(\d+) requests in")),
            "rate": float(find(r"Requests/sec:\s+([\d.]+)")),
            "p50": p50, "p90": p90, "p99": p99,
            "non_2xx": int(find(r"Non-2xx or 3xx responses: (\d+)")),
            "socket_errors": socket_errors}


def _ms(value: str) -> float:
    """wrk's latency ("812.00us", "12.34ms", "1.02s") in milliseconds."""
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value)
    if not match:
        return float("nan")
    number, unit = float(match.group(1)), match.group(2)
    return number * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def _report(outputs: dict[str, list[tuple[str, float]]], args) -> None:
    print(f"gunicorn ({args.workers} workers) · {args.clients} clients · {args.rounds} rounds of"
          f" {args.seconds} s per URL, in turns · wrk · {LABELS[args.backend]}")
    runs = {path: [{**_parse(text), "busy": busy} for text, busy in texts]
            for path, texts in outputs.items()}
    for path, parsed in runs.items():
        for number, run_ in enumerate(parsed, 1):
            print(f"{path:18} round {number}: {run_['requests']} requests ({run_['rate']:.0f}"
                  f" req/s)  p50 {run_['p50']:.1f} ms  p90 {run_['p90']:.1f} ms  p99"
                  f" {run_['p99']:.1f} ms  errors: {run_['non_2xx']} non-2xx,"
                  f" {run_['socket_errors']} socket/timeouts  (others used {run_['busy']:.0f} %"
                  " of a core just before)")
    health_rate = sum(r["rate"] for r in runs[HEALTH]) / len(runs[HEALTH])
    trivial_rate = sum(r["rate"] for r in runs[TRIVIAL]) / len(runs[TRIVIAL])
    worst_p99 = max(r["p99"] for r in runs[HEALTH])
    share = health_rate / trivial_rate * 100 if trivial_rate else 0.0
    errors = sum(r["non_2xx"] + r["socket_errors"] for parsed in runs.values() for r in parsed)
    print(f"health {health_rate:.0f} req/s = {share:.0f} % of the trivial view's"
          f" {trivial_rate:.0f} req/s (target >= 80 %: {'met' if share >= 80 else 'MISSED'});"
          f" worst health p99 {worst_p99:.1f} ms (target <= 50 ms:"
          f" {'met' if worst_p99 <= 50 else 'MISSED'}); {errors} errors")


if __name__ == "__main__":
    main()
