"""A warm LibreOffice: starts one soffice listening on a local pipe, converts decks to PDF on
request.  Run by a Python that has LibreOffice's `uno` module (Debian's python3-uno, or
LibreOffice's own python), never by the app's venv, and never imports the app.

    python3 uno_listener.py SOFFICE PROFILE_URI PIPE_NAME

Protocol: one JSON object a line.  It writes {"ready": true} once soffice answers, then reads
{"source": PATH, "pdf": PATH} and answers {"ok": true} or {"ok": false, "error": TEXT,
"bad_input": BOOL}.  When soffice dies it exits, so the caller starts a fresh one.  soffice
speaks UNO over a Unix socket (a "pipe"), which works inside an empty network namespace.
"""

import json
import os
import signal
import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException
from com.sun.star.lang import DisposedException, IllegalArgumentException
from com.sun.star.uno import Exception as UnoException
from com.sun.star.uno import RuntimeException

START_TIMEOUT = 90


def _props(**values):
    return tuple(PropertyValue(Name=name, Value=value) for name, value in values.items())


def _start(soffice, profile, pipe):
    return subprocess.Popen(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--invisible",
         "--nocrashreport", "--nodefault", "--nologo", "--nofirststartwizard", "--norestore",
         f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _connect(office, pipe):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return context.ServiceManager.createInstanceWithContext(
                "com.sun.star.frame.Desktop", context)
        except NoConnectException:
            if office.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("soffice did not start")
            time.sleep(0.1)


def _convert(desktop, source, pdf):
    # no macros, no link updates: the deck is untrusted and its outside links were removed
    document = desktop.loadComponentFromURL(
        uno.systemPathToFileUrl(source), "_blank", 0,
        _props(Hidden=True, ReadOnly=True, MacroExecutionMode=0, UpdateDocMode=0))
    if document is None:
        return {"ok": False, "error": "LibreOffice could not open the deck", "bad_input": True}
    try:
        document.storeToURL(uno.systemPathToFileUrl(pdf), _props(FilterName="impress_pdf_Export"))
    finally:
        document.close(True)
    return {"ok": True}


def main():
    soffice, profile, pipe = sys.argv[1:4]
    answers = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # anything else printed goes to stderr, never into the answers
    office = _start(soffice, profile, pipe)
    desktop = _connect(office, pipe)
    answers.write(json.dumps({"ready": True}) + "\n")
    for line in sys.stdin:
        request = json.loads(line)
        try:
            answer = _convert(desktop, request["source"], request["pdf"])
        except (DisposedException, RuntimeException):
            raise SystemExit("soffice went away")
        except (IllegalArgumentException, UnoException) as exc:
            answer = {"ok": False, "error": exc.Message or "unreadable deck", "bad_input": True}
        answers.write(json.dumps(answer) + "\n")
    # stdin closed: the owner stopped or died (a worker that exits skips its atexit handlers),
    # so soffice goes with it instead of living on as an orphan
    try:
        desktop.terminate()
    except Exception:  # noqa: BLE001 - soffice may already be gone; it is killed below
        pass
    os.killpg(os.getpgid(0), signal.SIGKILL)


if __name__ == "__main__":
    main()
