"""`/api/health` under 50 concurrent clients for 30 s against the real server (gunicorn).

Run:  .venv/bin/python bench/health_load.py [--seconds 30] [--clients 50] [--workers 2]
Starts gunicorn (the production server config, gunicorn.conf.py) on a free
port with a fresh database, then drives it with wrk (Debian's package;
bin/setup --test installs it) and prints requests/s, p50/p90/p99 latency and
errors (non-2xx answers, socket errors and timeouts).  The endpoint runs every
health check on each request (database, cache and storage probes, disk,
memory, logs, cost, queue), as the manual's monitor expects.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()  # noqa: S310
            return
        except Exception:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer at {url}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (bin/setup --test installs it)")
    work = Path(tempfile.mkdtemp(prefix="bcgslides-bench-"))
    env = dict(os.environ, DATA_DIR=str(work / "data"), DJANGO_SETTINGS_MODULE="bcgslides.settings",
               WEB_CONCURRENCY=str(args.workers))
    python = ROOT / ".venv" / "bin" / "python"
    subprocess.run([str(python), "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    port = _free_port()
    server = subprocess.Popen([str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "gunicorn.conf.py",
                               "--bind", f"127.0.0.1:{port}", "bcgslides.wsgi"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    url = f"http://127.0.0.1:{port}/api/health"
    try:
        _wait(url)
        result = subprocess.run(["wrk", "-t", "2", "-c", str(args.clients), "-d",
                                 f"{args.seconds}s", "--timeout", "10s", "--latency", url],
                                capture_output=True, text=True, check=True).stdout
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    _report(result, args)


def _report(output: str, args) -> None:
    def find(pattern: str, default: str = "0") -> str:
        match = re.search(pattern, output)
        return match.group(1) if match else default

    non_2xx = int(find(r"Non-2xx or 3xx responses: (\d+)"))
    socket_errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)",
                                                   find(r"Socket errors: (.*)", "")))
    total, rate = find(r"(\d+) requests in"), find(r"Requests/sec:\s+([\d.]+)")
    p50, p90, p99 = (find(rf"{q}%\s+(\S+)") for q in (50, 90, 99))
    print(f"gunicorn ({args.workers} workers) · {args.clients} clients · {args.seconds} s · wrk")
    print(f"requests: {total}  ({rate} req/s)")
    print(f"latency p50 {p50}  p90 {p90}  p99 {p99}")
    print(f"errors: {non_2xx} non-2xx answers, {socket_errors} socket errors/timeouts")


if __name__ == "__main__":
    main()
