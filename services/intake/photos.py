"""Where opinions' photos are kept: one interface, `PhotoStorage`, so intake never knows
whether the bytes are files or objects.

`LocalPhotoStorage` keeps them as files in a directory: `RENDA_VAR_DIR/photos` by default
(the one-process mode), or `RENDA_PHOTO_DIR` (in a cluster, a volume every intake replica
mounts). `S3PhotoStorage` keeps them as objects in an S3-compatible bucket when
`RENDA_PHOTO_STORE=s3://bucket/prefix` (production without a shared volume). Both lay the
photos out alike, `<prefix>/<first two letters>/<name>`, so a directory can be copied into a
bucket as it is (docs/adr/0011-opinions-personal-data-and-abuse.md).
"""

from __future__ import annotations

import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from runtime.config import Settings
from runtime.service import Check
from services.intake.domain.photos import NAME_PATTERN

if TYPE_CHECKING:
    from botocore.client import BaseClient

_NAME = re.compile(NAME_PATTERN)


def _relative(name: str) -> str:
    # Names are made by intake, but a path or a key must never be built from anything else.
    if not _NAME.fullmatch(name):
        raise ValueError(f"not a photo name: {name!r}")
    return f"{name[:2]}/{name}"


class PhotoStoreUnreachable(RuntimeError):
    """The bucket cannot be used; the message says why and what to check."""


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
        return self.root / _relative(name)

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


class S3PhotoStorage:
    """Objects in a bucket of any S3-compatible store (AWS, MinIO, Ceph, …). A PUT is whole
    or nothing by itself, and deleting a missing key is no error there, as here."""

    def __init__(self, client: BaseClient, bucket: str, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""

    def _key(self, name: str) -> str:
        return self.prefix + _relative(name)

    def put(self, name: str, data: bytes, media_type: str) -> None:
        self.client.put_object(
            Bucket=self.bucket, Key=self._key(name), Body=data, ContentType=media_type
        )

    def get(self, name: str) -> bytes | None:
        from botocore.exceptions import ClientError

        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._key(name))
        except ValueError:
            return None
        except ClientError as error:
            # Missing is "not found", as a missing file is; anything else (the store down,
            # a wrong key) is a fault to see, not a 404.
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise
        return answer["Body"].read()

    def delete(self, name: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(name))

    def probe(self) -> None:
        """Raise PhotoStoreUnreachable unless the bucket answers to these credentials."""
        from botocore.exceptions import BotoCoreError, ClientError

        where = f"bucket {self.bucket} at {self.client.meta.endpoint_url}"
        check = (
            "check RENDA_PHOTO_STORE, RENDA_S3_ENDPOINT_URL, RENDA_S3_REGION and the "
            "credentials (RENDA_S3_ACCESS_KEY_ID and RENDA_S3_SECRET_ACCESS_KEY, or boto3's chain)"
        )
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", "?"))
            why = {
                "404": "does not exist",
                "NoSuchBucket": "does not exist",
                "403": "refuses these credentials",
                "AccessDenied": "refuses these credentials",
            }.get(code, f"answers {code}")
            raise PhotoStoreUnreachable(f"the {where} {why}: {check}") from error
        except BotoCoreError as error:
            raise PhotoStoreUnreachable(
                f"the {where} cannot be reached ({error}): {check}"
            ) from error


@lru_cache(maxsize=4)
def _local(root: str) -> LocalPhotoStorage:
    return LocalPhotoStorage(Path(root))


@lru_cache(maxsize=4)
def _s3(
    store: str, endpoint_url: str, region: str, access_key_id: str, secret_access_key: str
) -> S3PhotoStorage:
    # boto3 is imported only when a bucket is configured: the one-process mode never pays
    # for it. The client is thread-safe and built once per configuration.
    import boto3
    from botocore.config import Config

    bucket, _, prefix = store.removeprefix("s3://").partition("/")
    session = boto3.session.Session(
        # Empty: boto3's own chain (AWS_ACCESS_KEY_ID…, a profile, the pod's role).
        aws_access_key_id=access_key_id or None,
        aws_secret_access_key=secret_access_key or None,
        region_name=region or None,
    )
    config = Config(
        connect_timeout=5,
        read_timeout=30,
        retries={"mode": "standard", "max_attempts": 3},
        # Most S3-compatible servers answer at one host name: bucket in the path, not the host.
        s3={"addressing_style": "path"} if endpoint_url else None,
    )
    client = session.client("s3", endpoint_url=endpoint_url or None, config=config)
    return S3PhotoStorage(client, bucket, prefix)


def _bucket(settings: Settings) -> S3PhotoStorage:
    return _s3(
        settings.photo_store,
        settings.s3_endpoint_url,
        settings.s3_region,
        settings.s3_access_key_id,
        settings.s3_secret_access_key,
    )


def photo_storage(settings: Settings) -> PhotoStorage:
    """The storage the settings name: the bucket of RENDA_PHOTO_STORE, else files under
    RENDA_PHOTO_DIR, else under RENDA_VAR_DIR/photos."""
    if settings.photo_store:
        return _bucket(settings)
    root = settings.photo_dir or settings.var_dir / "photos"
    return _local(str(Path(root).resolve()))


def photo_store_checks(settings: Settings) -> dict[str, Check]:
    """Intake's readiness check of its bucket (RENDA_PHOTO_STORE), also run once at
    start-up: a wrong bucket or credentials show before the first photo. Files need none
    (the directory is made at the first photo)."""
    return {"photo_store": _bucket(settings).probe} if settings.photo_store else {}
