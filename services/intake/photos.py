"""Where opinions' photos are kept: one interface, `PhotoStorage`, so intake never knows
whether the bytes are files or objects.

`LocalPhotoStorage` keeps them as files in a directory: `RENDA_VAR_DIR/photos` by default
(the one-process mode), or `RENDA_PHOTO_DIR` (in a cluster, a volume every intake replica
mounts). An object store (S3-compatible) is another class with the same three methods;
it is not built yet (docs/adr/0011-opinions-personal-data-and-abuse.md).
"""

from __future__ import annotations

import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from runtime.config import Settings
from services.intake.domain.photos import NAME_PATTERN

_NAME = re.compile(NAME_PATTERN)


class PhotoStorage(Protocol):
    def put(self, name: str, data: bytes, media_type: str) -> None:
        """Keep the bytes under the name (a new name each time; never overwritten)."""

    def get(self, name: str) -> bytes | None:
        """The bytes kept under the name, or None."""

    def delete(self, name: str) -> None:
        """Forget the name; a name never kept is no error."""


class LocalPhotoStorage:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, name: str) -> Path:
        # Names are made by intake, but a path must never be built from anything else.
        if not _NAME.fullmatch(name):
            raise ValueError(f"not a photo name: {name!r}")
        return self.root / name[:2] / name

    def put(self, name: str, data: bytes, media_type: str) -> None:
        path = self._path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written whole or not at all: a reader never sees half a photo.
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, name: str) -> bytes | None:
        try:
            return self._path(name).read_bytes()
        except (FileNotFoundError, ValueError):
            return None

    def delete(self, name: str) -> None:
        self._path(name).unlink(missing_ok=True)


@lru_cache(maxsize=4)
def _local(root: str) -> LocalPhotoStorage:
    return LocalPhotoStorage(Path(root))


def photo_storage(settings: Settings) -> PhotoStorage:
    """The storage the settings name (RENDA_PHOTO_DIR, else RENDA_VAR_DIR/photos)."""
    root = settings.photo_dir or settings.var_dir / "photos"
    return _local(str(Path(root).resolve()))
