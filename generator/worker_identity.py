"""This process as a worker (`host:pid`): a leaf, so that cost control and liveness both name it without importing each other."""

from __future__ import annotations

import os
import socket


def identity() -> str:
    """This process as a worker: `host:pid`."""
    return f"{socket.gethostname()}:{os.getpid()}"
