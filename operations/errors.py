"""The operations app's exceptions.

Commands map them to `CommandError` with the contract's exit codes; admin
views show the message; schedules record it and log it with a traceback.
"""

from __future__ import annotations


class OperationsError(Exception):
    """Base of every error operations raises on purpose."""


class BackupError(OperationsError):
    """A backup component failed; nothing that claims success was written."""


class VerificationError(OperationsError):
    """A backup failed its signature, checksum, schema or archive checks."""


class RestoreError(OperationsError):
    """A restore could not complete; live data was left as it was."""
