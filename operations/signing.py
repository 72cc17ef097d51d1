"""HMAC signatures on backup manifests (and the restore journal): only what this
installation wrote is trusted.

The key is derived from SECRET_KEY; a manifest that was edited, or written
by another installation, fails the check (a restored database carries
django-q2 pickles, which must never come from anyone else).  `purpose` keeps
the kinds apart: a signed journal is no signed manifest, nor the reverse.
"""

from __future__ import annotations

import hmac
import json

from django.utils.crypto import salted_hmac

_SALT = "bcgslides.operations.backup-manifest"


def _canonical(manifest: dict) -> str:
    body = {key: value for key, value in manifest.items() if key != "signature"}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _salt(purpose: str) -> str:
    return _SALT if purpose == "manifest" else f"{_SALT}.{purpose}"


def signature(manifest: dict, purpose: str = "manifest") -> str:
    return salted_hmac(_salt(purpose), _canonical(manifest), algorithm="sha256").hexdigest()


def sign(manifest: dict, purpose: str = "manifest") -> dict:
    return {**manifest, "signature": signature(manifest, purpose)}


def verify(manifest: dict, purpose: str = "manifest") -> bool:
    given = manifest.get("signature")
    return isinstance(given, str) and hmac.compare_digest(given, signature(manifest, purpose))
