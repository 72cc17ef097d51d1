"""Where the shared files live: `MEDIA_STORAGE_URL` -> Django's `STORAGES["default"]`.

Unset, design assets, decks and their pictures are plain files under DATA_DIR
(`FileSystemStorage`).  Set to `s3://bucket[/prefix][?endpoint_url=...&region=...]`,
they live in an S3-compatible bucket through django-storages, so that web and
worker hosts on different machines share them.  Credentials come from
AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_SECRET_ACCESS_KEY_FILE),
never from the URL.

Every problem raises `ImproperlyConfigured` naming the part that is wrong;
messages never repeat the URL or a parameter's value, since someone may have
pasted a key into it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from django.core.exceptions import ImproperlyConfigured

SETTING = "MEDIA_STORAGE_URL"
DEFAULT_REGION = "us-east-1"
PARAMETERS = ("endpoint_url", "region")
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_PREFIX_PART = re.compile(r"[A-Za-z0-9._-]+")
_REGION = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
_SAFE_NAME = re.compile(r"[A-Za-z0-9_.-]{1,40}")
_SECRET_WORDS = re.compile(r"(secret|key|token|password|passwd|credential|signature)", re.I)
_NO_CREDENTIALS = (f"{SETTING} must not carry credentials: set AWS_ACCESS_KEY_ID and "
                   "AWS_SECRET_ACCESS_KEY (or AWS_SECRET_ACCESS_KEY_FILE) instead")
# Large enough for a thumbnail or a typical deck in memory; a bigger download being
# served spills to a temporary file instead of holding a 100 MB template in RAM.
MAX_MEMORY_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Bucket:
    """A parsed MEDIA_STORAGE_URL: the bucket, the key prefix, the endpoint, the region."""

    name: str
    prefix: str
    endpoint_url: str | None
    region: str


def _refuse(problem: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"{SETTING}: {problem}")


def parse_url(url: str) -> Bucket:
    """The `Bucket` that `url` names; raises `ImproperlyConfigured` with a clear message.

    `url` is `s3://bucket[/prefix][?endpoint_url=http(s)://host[:port]&region=name]`.
    """
    if not url.isprintable() or any(ch.isspace() for ch in url):
        raise _refuse("the URL holds spaces or control characters")
    try:
        parts = urlsplit(url)
    except ValueError:
        raise _refuse("not a URL (expected s3://bucket/prefix?endpoint_url=...)") from None
    if parts.scheme != "s3" or url[:5].lower() != "s3://":
        raise _refuse("only s3:// URLs are supported (an S3-compatible bucket), "
                      "e.g. s3://bcgslides-files/prod?endpoint_url=https://s3.example.com")
    if "@" in parts.netloc:
        raise ImproperlyConfigured(_NO_CREDENTIALS)
    if parts.fragment or url.endswith("#"):
        raise _refuse("a #fragment has no meaning here; remove it")
    options = _options(parts.query)
    return Bucket(name=_bucket(parts.netloc), prefix=_prefix(parts.path),
                  endpoint_url=_endpoint(options.get("endpoint_url")),
                  region=_region(options.get("region", DEFAULT_REGION)))


def _bucket(netloc: str) -> str:
    if not _BUCKET.fullmatch(netloc) or ".." in netloc:
        raise _refuse("the bucket name must be 3-63 lowercase letters, digits, dots and "
                      "hyphens, starting and ending with a letter or digit")
    return netloc


def _prefix(path: str) -> str:
    prefix = path.strip("/")
    if not prefix:
        return ""
    parts = prefix.split("/")
    if any(part in (".", "..") or not _PREFIX_PART.fullmatch(part) for part in parts):
        raise _refuse("the prefix after the bucket may hold only letters, digits, '.', '_' "
                      "and '-' between single slashes (no '..', no empty parts)")
    return prefix


def _options(query: str) -> dict[str, str]:
    try:
        pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query))
    except ValueError:
        raise _refuse("the part after '?' must be name=value pairs joined by '&'") from None
    options: dict[str, str] = {}
    for name, value in pairs:
        if name not in PARAMETERS:
            raise _unknown(name)
        if name in options:
            raise _refuse(f"{name} is given twice")
        if not value:
            raise _refuse(f"{name} is empty")
        options[name] = value
    return options


def _unknown(name: str) -> ImproperlyConfigured:
    if _SECRET_WORDS.search(name):
        return ImproperlyConfigured(_NO_CREDENTIALS)
    shown = repr(name) if _SAFE_NAME.fullmatch(name) else "a parameter"
    return _refuse(f"unknown parameter {shown} (known: {', '.join(PARAMETERS)})")


def _endpoint(value: str | None) -> str | None:
    if value is None:
        return None  # AWS itself: boto3 derives the endpoint from the region
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number
    except ValueError:
        raise _refuse("endpoint_url is not a URL") from None
    if "@" in parts.netloc:
        raise ImproperlyConfigured(_NO_CREDENTIALS)
    if (parts.scheme not in ("http", "https") or not parts.hostname
            or parts.path not in ("", "/") or parts.query or parts.fragment):
        raise _refuse("endpoint_url must be http(s)://host[:port], with no path "
                      "(URL-encode it if it holds '&')")
    return f"{parts.scheme}://{parts.netloc}"


def _region(value: str) -> str:
    if not _REGION.fullmatch(value):
        raise _refuse("region must be lowercase letters, digits and hyphens (e.g. us-east-1)")
    return value


# -- STORAGES["default"] ---------------------------------------------------------------------
def local_storage(data_dir: Path) -> dict:
    """Files under `data_dir`, laid out as design_assets/, presentations/, previews/,
    thumbnails/ (the embedded default)."""
    return {"BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(data_dir)}}


def bucket_storage(url: str, *, access_key: str = "", secret_key: str = "") -> dict:
    """django-storages' S3Storage on the bucket that `url` names.

    Both keys, or neither (then boto3 looks for the machine's own AWS credentials,
    e.g. an instance role).  Raises `ImproperlyConfigured`.
    """
    bucket = parse_url(url)
    if bool(access_key) != bool(secret_key):
        raise ImproperlyConfigured("set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or "
                                   "neither (to use the machine's own AWS credentials)")
    options = {
        "bucket_name": bucket.name, "location": bucket.prefix,
        "endpoint_url": bucket.endpoint_url, "region_name": bucket.region,
        "default_acl": None,  # the bucket's own policy decides; many S3 servers refuse ACLs
        "file_overwrite": False,  # stored names are immutable: never replace one by accident
        "querystring_auth": True, "max_memory_size": MAX_MEMORY_BYTES,
        "client_config": _client_config(),
    }
    if access_key:
        options.update(access_key=access_key, secret_key=secret_key)
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


def _client_config():
    from botocore.config import Config

    # Path-style addressing (http://host/bucket/key) works with every S3-compatible
    # server without wildcard DNS; short connect timeouts and few retries keep a dead
    # endpoint from stalling a request (or /api/health) for minutes.
    return Config(s3={"addressing_style": "path"}, connect_timeout=5, read_timeout=60,
                  retries={"max_attempts": 3, "mode": "standard"})
