"""The test-only kill hook of backups and restores: SIGKILL this process at a named point.

A leaf (it imports nothing of the project) so that `backup`, `restore` and `pg`
all call it without importing one another.
"""

from __future__ import annotations

import os
import signal

from django.conf import settings


def checkpoint(name: str) -> None:
    """SIGKILL this very process at `name` when the setting OPERATIONS_TEST_KILL_AT names it.

    bcgslides.settings never defines it (nor reads it from the environment); only the
    test settings module that the kill tests start their child processes with does.
    It exists because a kill from outside cannot hit a chosen point between two renames.
    """
    if getattr(settings, "OPERATIONS_TEST_KILL_AT", None) == name:
        os.kill(os.getpid(), signal.SIGKILL)
