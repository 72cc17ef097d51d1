"""Logging filters: secrets never reach a log line."""

from __future__ import annotations

import logging
import re

# OpenAI-style keys (sk-..., sk-proj-...), our API tokens (bcg_...) and bearer or
# token headers, whatever their source.
_KEY_PATTERN = re.compile(r"(sk-[A-Za-z0-9_\-]{8,}|bcg_[A-Za-z0-9_\-]{20,}"
                          r"|(?:Bearer|Token)\s+[A-Za-z0-9._\-]{8,})")
REDACTED = "[REDACTED]"


def _known_secrets() -> list[str]:
    from django.conf import settings

    values = [getattr(settings, "OPENAI_API_KEY", ""), getattr(settings, "SECRET_KEY", "")]
    # the shared file store's keys (MEDIA_STORAGE_URL), wherever they were read from
    storage = getattr(settings, "STORAGES", {}).get("default", {}).get("OPTIONS", {})
    values += [storage.get("secret_key") or "", storage.get("access_key") or ""]
    return [value for value in values if value and len(value) >= 8]


def redact(text: str) -> str:
    """`text` with configured secrets and key-shaped strings replaced by a marker."""
    for secret in _known_secrets():
        text = text.replace(secret, REDACTED)
    return _KEY_PATTERN.sub(REDACTED, text)


class RedactSecretsFilter(logging.Filter):
    """Rewrites each record's message (and traceback text) with secrets removed."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not drop the record
            message = str(record.msg)
        cleaned = redact(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
