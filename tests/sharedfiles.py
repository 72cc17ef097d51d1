"""Point the shared files (`generator.files`) at a test's own folder or bucket.

Through pytest-django's `settings` fixture, which undoes the change after the
test; Django's own setting-changed signal rebuilds the default storage when
STORAGES changes.  Files outlive a rolled-back test, so each test keeps its
own: DATA_DIR moves too (the download cache and the upload folder live there).
"""

from __future__ import annotations

from pathlib import Path

from bcgslides.filestore import bucket_storage, local_storage


def use_local_files(settings, root: Path) -> Path:
    """DATA_DIR and the shared files under `root` (the embedded default's layout)."""
    root.mkdir(parents=True, exist_ok=True)
    settings.DATA_DIR = root
    settings.STORAGES = {**settings.STORAGES, "default": local_storage(root)}
    return root


def use_bucket(settings, data_dir: Path, url: str, *, access_key: str, secret_key: str) -> None:
    """The shared files in the bucket `url` names, with DATA_DIR (and its cache) at `data_dir`."""
    data_dir.mkdir(parents=True, exist_ok=True)
    settings.DATA_DIR = data_dir
    settings.MEDIA_STORAGE_URL = url
    settings.STORAGES = {**settings.STORAGES, "default": bucket_storage(
        url, access_key=access_key, secret_key=secret_key)}
