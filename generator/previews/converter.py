"""One warm LibreOffice per worker process, so a deck's PDF takes a fraction of a second
instead of a LibreOffice start-up (about 5 s) per deck.

`to_pdf` converts through this process's `WarmConverter` and falls back to the one-shot
`soffice --convert-to` whenever the warm one cannot start.  A warm converter is
`uno_listener.py` run by a Python that has LibreOffice's `uno` module (python3-uno); it starts
soffice listening on a Unix-socket pipe, so both run inside the same empty network namespace
as the one-shot soffice (`office.no_network_prefix`).  Each process has its own profile folder
and pipe name.  A converter that dies is started again on the next request (the request is
retried once); one that takes longer than its timeout is killed with its whole process group;
one left idle for `IDLE_SECONDS` is stopped, and one whose owner process ends stops itself.

unoserver (PyPI) was not used: its client reaches soffice over TCP, which an empty network
namespace does not allow, and its server needs `uno` in the venv's Python.
"""

from __future__ import annotations

import atexit
import functools
import json
import logging
import os
import selectors
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path

from django.conf import settings

from generator.errors import PreviewError
from generator.previews.office import CONVERT_TIMEOUT, no_network_prefix, soffice

logger = logging.getLogger(__name__)
LISTENER = Path(__file__).with_name("uno_listener.py")
START_TIMEOUT = 120
HOME_PREFIX = "bcgslides-lo-"
IDLE_SECONDS = 600  # a converter unused this long is stopped (a web process rarely converts)
_PYTHONS = ("/usr/lib/libreoffice/program/python", "/usr/bin/python3")


class ConverterUnavailable(Exception):
    """The warm converter cannot start here (no `uno`, soffice would not start)."""


class ConverterLost(Exception):
    """The warm converter died during a request; it has been stopped."""


class ConverterHung(ConverterLost):
    """The warm converter gave no answer within its timeout; it has been killed."""


@functools.lru_cache(maxsize=1)
def uno_python() -> str | None:
    """A Python that can `import uno` (LibreOffice's own, else the system's with python3-uno)."""
    for python in _PYTHONS:
        if not os.access(python, os.X_OK):
            continue
        try:
            if subprocess.run([python, "-c", "import uno"], capture_output=True,
                              timeout=30).returncode == 0:
                return python
        except (OSError, subprocess.SubprocessError):
            continue
    return None


def enabled() -> bool:
    """Whether decks go through a warm converter (`PREVIEWS_WARM_CONVERTER`, on by default)."""
    return settings.PREVIEWS_WARM_CONVERTER and uno_python() is not None


class WarmConverter:
    """A long-lived soffice and its UNO listener, owned by one process; thread-safe."""

    def __init__(self, *, timeout: float = CONVERT_TIMEOUT, start_timeout: float = START_TIMEOUT,
                 idle: float = IDLE_SECONDS):
        self.timeout, self.start_timeout, self.idle = timeout, start_timeout, idle
        self._idle_timer: threading.Timer | None = None
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._buffer = b""
        _remove_homes_of_ended_processes()
        self._home = Path(tempfile.mkdtemp(prefix=f"{HOME_PREFIX}{os.getpid()}-"))
        self.starts = 0

    @property
    def pid(self) -> int | None:
        """The listener's process id (its process group holds soffice too); None when stopped."""
        return self._process.pid if self._process and self._process.poll() is None else None

    def to_pdf(self, source: Path, pdf: Path) -> None:
        """Write `source` (a .pptx) as `pdf`.  A lost converter is restarted and the request
        retried once (not one that hung).  Raises `PreviewError` for a deck LibreOffice cannot
        read, `ConverterUnavailable`, `ConverterLost` or `ConverterHung` when the converter
        itself fails."""
        with self._lock:
            try:
                self._request(source, pdf)
            except ConverterHung:
                raise  # the deck itself may hang LibreOffice: no second try
            except ConverterLost as exc:
                logger.warning("warm LibreOffice lost (%s); starting a fresh one", exc)
                self._request(source, pdf)
            finally:
                self._stop_when_idle()

    def _stop_when_idle(self) -> None:
        if self._idle_timer is not None:
            self._idle_timer.cancel()
        self._idle_timer = threading.Timer(self.idle, self._idle_stop)
        self._idle_timer.daemon = True
        self._idle_timer.start()

    def _idle_stop(self) -> None:
        if self._lock.acquire(blocking=False):  # busy means not idle: the next request re-arms
            try:
                self._stop()
            finally:
                self._lock.release()

    def close(self) -> None:
        with self._lock:
            if self._idle_timer is not None:
                self._idle_timer.cancel()
            self._stop()
        shutil.rmtree(self._home, ignore_errors=True)

    # -- one request -------------------------------------------------------------------------
    def _request(self, source: Path, pdf: Path) -> None:
        if self.pid is None:
            self._start()
        message = json.dumps({"source": str(source.resolve()), "pdf": str(pdf.resolve())})
        try:
            self._process.stdin.write(message.encode() + b"\n")
            self._process.stdin.flush()
        except OSError:
            self._stop()
            raise ConverterLost("it had exited") from None
        answer = self._answer(self.timeout)
        if not answer.get("ok"):
            if answer.get("bad_input"):
                raise PreviewError("LibreOffice produced no PDF (the file may be damaged)")
            self._stop()
            raise ConverterLost(str(answer.get("error", "no answer")))
        if not pdf.is_file():
            raise PreviewError("LibreOffice produced no PDF (the file may be damaged)")

    def _start(self) -> None:
        self._stop()
        python, office = uno_python(), soffice()
        if not (python and office):
            raise ConverterUnavailable("no LibreOffice with python3-uno")
        self.starts += 1
        profile = self._home / f"profile-{self.starts}"
        pipe = f"bcgslides-{os.getpid()}-{uuid.uuid4().hex[:12]}"
        self._home.mkdir(parents=True, exist_ok=True)  # again after close()
        log = open(self._home / "listener.log", "ab")  # noqa: SIM115 - the child keeps it
        try:
            self._process = subprocess.Popen(
                [*no_network_prefix(), python, str(LISTENER), office, profile.as_uri(), pipe],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
                start_new_session=True)  # its own process group: one kill stops soffice too
        except OSError as exc:
            raise ConverterUnavailable(str(exc)) from None
        finally:
            log.close()
        self._buffer = b""
        try:
            if not self._answer(self.start_timeout).get("ready"):
                raise ConverterLost("it did not say it was ready")
        except ConverterLost as exc:
            raise ConverterUnavailable(f"LibreOffice did not start: {exc}") from None

    def _answer(self, timeout: float) -> dict:
        """The listener's next line, or `ConverterLost` (and the listener killed) when it
        exits or stays silent for `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as selector:
            selector.register(self._process.stdout, selectors.EVENT_READ)
            while b"\n" not in self._buffer:
                left = deadline - time.monotonic()
                if left <= 0 or not selector.select(left):
                    self._stop()
                    raise ConverterHung(f"no answer within {timeout:g} s")
                chunk = os.read(self._process.stdout.fileno(), 65536)
                if not chunk:
                    self._stop()
                    raise ConverterLost("it exited")
                self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        try:
            return json.loads(line)
        except ValueError:
            return {"ok": False, "error": "unreadable answer"}

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        for stream in (process.stdin, process.stdout):
            try:
                stream.close()
            except OSError:
                pass
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            logger.error("warm LibreOffice %s did not stop", process.pid)
        for old in self._home.glob("profile-*"):
            shutil.rmtree(old, ignore_errors=True)


def _remove_homes_of_ended_processes() -> None:
    """Profile folders left by workers that ended without cleaning up (os._exit skips atexit)."""
    for home in Path(tempfile.gettempdir()).glob(f"{HOME_PREFIX}*"):
        pid = home.name[len(HOME_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(home, ignore_errors=True)


_converters: dict[int, WarmConverter] = {}
_converters_lock = threading.Lock()


def for_this_process() -> WarmConverter:
    """This process's converter (a forked child never shares its parent's)."""
    pid = os.getpid()
    with _converters_lock:
        if pid not in _converters:
            _converters[pid] = WarmConverter()
            atexit.register(_converters[pid].close)
        return _converters[pid]


def to_pdf(source: Path, pdf: Path, *, cold) -> None:
    """Convert through this process's warm converter; `cold(source)` (a one-shot soffice)
    when the warm one is off or cannot work."""
    if enabled():
        try:
            for_this_process().to_pdf(source, pdf)
            return
        except ConverterHung as exc:
            raise PreviewError(f"LibreOffice gave no answer: {exc}") from None
        except (ConverterUnavailable, ConverterLost) as exc:
            logger.warning("warm LibreOffice unavailable (%s); converting with a one-shot soffice",
                           exc)
    cold(source)
