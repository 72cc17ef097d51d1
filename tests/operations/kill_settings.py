"""Settings for the child processes of the kill tests: the real settings plus the
test-only kill hook (`operations.kill_hook.checkpoint`), armed from the environment.

bcgslides.settings never defines OPERATIONS_TEST_KILL_AT; only a process started
with this module (DJANGO_SETTINGS_MODULE=tests.operations.kill_settings) can be
made to SIGKILL itself at a named point.
"""

import os

from bcgslides.settings import *  # noqa: F401,F403

OPERATIONS_TEST_KILL_AT = os.environ.get("OPERATIONS_TEST_KILL_AT", "")
