"""`/api/health` under 50 concurrent clients for 30 s against the real server (gunicorn).

Run:  .venv/bin/python bench/health_load.py [--seconds 30] [--clients 50] [--workers 2]
          [--backend sqlite|postgres] [--postgres-url URL] [--redis-url URL]
Starts gunicorn (the production server config, gunicorn.conf.py) on a free
port with a fresh database, then drives it with wrk (Debian's package;
bin/setup --test installs it) and prints requests/s, p50/p90/p99 latency and
errors (non-2xx answers, socket errors and timeouts).  The endpoint runs every
health check on each request (database, cache and storage probes, disk,
memory, logs, cost, queue), as the manual's monitor expects.

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


def run(args) -> str:
    """Serve on a fresh backend, drive it with wrk; wrk's output."""
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
            url = f"http://127.0.0.1:{port}/api/health"
            try:
                _wait(url, server)
                threads = str(min(2, args.clients))  # wrk refuses fewer connections than threads
                result = subprocess.run(["wrk", "-t", threads, "-c", str(args.clients), "-d",
                                         f"{args.seconds}s", "--timeout", "10s", "--latency",
                                         url], capture_output=True, text=True)
                if result.returncode != 0:
                    raise BenchFailure(f"wrk failed: {result.stderr.strip()[-500:]}")
                return result.stdout
            finally:
                stop_group(server)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30)
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
        result = run(args)
    except BenchFailure as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        sys.exit(1)
    _report(result, args)


def _report(output: str, args) -> None:
    def find(pattern: str, default: str = "0") -> str:
        match = re.search(pattern, output, re.MULTILINE)
        return match.group(1) if match else default

    non_2xx = int(find(r"Non-2xx or 3xx responses: (\d+)"))
    socket_errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)",
                                                   find(r"Socket errors: (.*)", "")))
    total, rate = find(r"(\d+) requests in"), find(r"Requests/sec:\s+([\d.]+)")
    # the "Latency Distribution" lines; unanchored, "50%" also matched the end of "+/- Stdev"
    # columns such as "75.50%" and gave the next word ("Latency") as p50
    p50, p90, p99 = (find(rf"^\s*{q}%\s+(\S+)") for q in (50, 90, 99))
    print(f"gunicorn ({args.workers} workers) · {args.clients} clients · {args.seconds} s · wrk"
          f" · {LABELS[args.backend]}")
    print(f"requests: {total}  ({rate} req/s)")
    print(f"latency p50 {p50}  p90 {p90}  p99 {p99}")
    print(f"errors: {non_2xx} non-2xx answers, {socket_errors} socket errors/timeouts")


if __name__ == "__main__":
    main()
