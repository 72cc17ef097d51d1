"""HMAC signatures on backup manifests: only backups this installation made are restored.

The key is derived from SECRET_KEY; a manifest that was edited, or written
by another installation, fails the check (a restored database carries
django-q2 pickles, which must never come from anyone else).
"""

from __future__ import annotations

import hmac
import json

from django.utils.crypto import salted_hmac

_SALT = "bcgslides.operations.backup-manifest"


def _canonical(manifest: dict) -> str:
    body = {key: value for key, value in manifest.items() if key != "signature"}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def signature(manifest: dict) -> str:
    return salted_hmac(_SALT, _canonical(manifest), algorithm="sha256").hexdigest()


def sign(manifest: dict) -> dict:
    return {**manifest, "signature": signature(manifest)}


def verify(manifest: dict) -> bool:
    given = manifest.get("signature")
    return isinstance(given, str) and hmac.compare_digest(given, signature(manifest))
