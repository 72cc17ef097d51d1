"""The LibreOffice program: where it is, how long a conversion may take, and the prefix that
runs it without network.

A leaf of `soffice` (one-shot conversions, pictures) and `converter` (the warm LibreOffice):
both start soffice the same way without importing each other.
"""

from __future__ import annotations

import functools
import logging
import shutil
import subprocess

logger = logging.getLogger(__name__)
CONVERT_TIMEOUT = 240


def soffice() -> str | None:
    """The LibreOffice program's path; None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


@functools.lru_cache(maxsize=1)
def no_network_prefix() -> tuple[str, ...]:
    """The command prefix that runs a program with no network, or () where none is allowed.

    `unshare --net` needs root (or CAP_SYS_ADMIN); `--map-root-user` first makes
    an unprivileged user root of its own namespace where the kernel allows that.
    """
    unshare = shutil.which("unshare")
    for prefix in ((unshare, "--net"), (unshare, "--map-root-user", "--net")) if unshare else ():
        try:
            if subprocess.run([*prefix, "true"], capture_output=True, timeout=10).returncode == 0:
                return prefix
        except (OSError, subprocess.SubprocessError):
            continue
    logger.warning("LibreOffice runs with network access: no network namespace is allowed here "
                   "(outside links are still removed from every deck it reads)")
    return ()
