"""Opinions' photo storage (services/intake/photos.py): the same contract for files in a
directory and for objects in an S3-compatible bucket, the latter over HTTP to a real
S3-compatible server (moto's); and which one the settings choose."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

import services.intake as intake
from runtime.config import Settings
from services.intake.photos import (
    LocalPhotoStorage,
    PhotoStorage,
    PhotoStoreUnreachable,
    S3PhotoStorage,
    photo_storage,
    photo_store_checks,
)
from tests.support.handlers import COUNTY, START, handler_context
from tests.support.infra import free_port
from tests.support.s3 import S3Server, s3_server

NAME = "0f" + "1" * 30 + ".jpg"
OTHER = "ab" + "2" * 30 + ".png"


@pytest.fixture(scope="module")
def s3() -> Iterator[S3Server]:
    with s3_server() as server:
        yield server


@pytest.fixture(params=["local", "s3"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Intake's settings for each storage, from its environment."""
    if request.param == "local":
        env = {"RENDA_VAR_DIR": str(tmp_path), "RENDA_PHOTO_DIR": str(tmp_path / "photos")}
    else:
        server: S3Server = request.getfixturevalue("s3")
        env = {"RENDA_VAR_DIR": str(tmp_path), **server.env(server.new_bucket())}
    return Settings.from_env(env)


@pytest.fixture
def storage(settings: Settings) -> PhotoStorage:
    """Each storage as intake builds it from its environment."""
    return photo_storage(settings)


def test_a_kept_photo_is_read_back_whole(storage: PhotoStorage) -> None:
    storage.put(NAME, b"\xff\xd8jpeg bytes", "image/jpeg")
    storage.put(OTHER, b"\x89PNG png bytes", "image/png")
    assert storage.get(NAME) == b"\xff\xd8jpeg bytes"
    assert storage.get(OTHER) == b"\x89PNG png bytes"


def test_a_photo_never_kept_or_deleted_is_not_found(storage: PhotoStorage) -> None:
    assert storage.get(NAME) is None
    storage.put(NAME, b"bytes", "image/jpeg")
    storage.delete(NAME)
    assert storage.get(NAME) is None
    storage.delete(NAME)  # again, and a name never kept: no error
    storage.delete(OTHER)


@pytest.mark.parametrize("name", ["../../etc/passwd", "x.jpg", NAME + "/..", NAME.upper(), ""])
def test_only_photo_names_reach_the_store(storage: PhotoStorage, name: str) -> None:
    assert storage.get(name) is None
    with pytest.raises(ValueError, match="not a photo name"):
        storage.put(name, b"bytes", "image/jpeg")
    with pytest.raises(ValueError, match="not a photo name"):
        storage.delete(name)


def test_the_settings_choose_the_bucket_over_the_directory(s3: S3Server, tmp_path: Path) -> None:
    bucket = s3.new_bucket()
    env = {"RENDA_PHOTO_DIR": str(tmp_path), **s3.env(bucket, prefix="county/photos")}
    storage = photo_storage(Settings.from_env(env))
    assert isinstance(storage, S3PhotoStorage)
    storage.put(NAME, b"bytes", "image/jpeg")
    assert s3.keys(bucket) == [f"county/photos/0f/{NAME}"]
    assert not any(tmp_path.iterdir())
    assert isinstance(photo_storage(Settings.from_env({"RENDA_PHOTO_DIR": "x"})), LocalPhotoStorage)


def test_a_directory_of_photos_copied_into_a_bucket_is_read_as_it_is(
    s3: S3Server, tmp_path: Path
) -> None:
    """Moving from the volume to a bucket is a copy of the tree (docs/configuration.md)."""
    LocalPhotoStorage(tmp_path).put(NAME, b"kept on a volume", "image/jpeg")
    bucket, client = s3.new_bucket(), s3.client()
    for path in tmp_path.rglob("*.*"):
        client.upload_file(str(path), bucket, f"photos/{path.relative_to(tmp_path)}")
    storage = photo_storage(Settings.from_env(s3.env(bucket, prefix="photos")))
    assert storage.get(NAME) == b"kept on a volume"


def test_a_store_that_fails_is_a_fault_not_a_missing_photo(s3: S3Server) -> None:
    storage = photo_storage(Settings.from_env(s3.env("no-such-bucket")))
    with pytest.raises(ClientError, match="NoSuchBucket"):
        storage.get(NAME)


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"RENDA_PHOTO_STORE": "/var/photos"}, "s3://bucket or s3://bucket/prefix"),
        ({"RENDA_PHOTO_STORE": "s3://Bad_Bucket/x"}, "s3://bucket or s3://bucket/prefix"),
        ({"RENDA_PHOTO_STORE": "s3://b12/x", "RENDA_S3_ACCESS_KEY_ID": "k"}, "go together"),
    ],
)
def test_a_store_that_cannot_work_is_refused_at_startup(env: dict[str, str], says: str) -> None:
    with pytest.raises(ValueError, match=says):
        Settings.from_env(env)


def test_the_secret_key_is_not_in_the_settings_repr() -> None:
    settings = Settings.from_env(
        {
            "RENDA_PHOTO_STORE": "s3://photos",
            "RENDA_S3_ACCESS_KEY_ID": "AKIDEXAMPLE",
            "RENDA_S3_SECRET_ACCESS_KEY": "wJalrXUtnFEMI",
        }
    )
    assert "wJalrXUtnFEMI" not in repr(settings)


def test_an_opinions_photos_are_erased_when_its_retention_passed(
    settings: Settings, storage: PhotoStorage
) -> None:
    kept = "cd" + "3" * 30 + ".webp"
    for name in (NAME, OTHER, kept):
        storage.put(name, b"bytes", "image/jpeg")
    with handler_context(intake.SPEC) as ctx:
        erased = {"opinion_id": "o-1", "tenant": COUNTY, "photos": [NAME, OTHER], "at": START}
        ctx_with_settings = replace(ctx, settings=settings)
        ctx_with_settings.handle("opinion.contact_erased", erased)
        ctx_with_settings.handle("opinion.contact_erased", erased)  # redelivered: no error
    assert (storage.get(NAME), storage.get(OTHER)) == (None, None)
    assert storage.get(kept) == b"bytes"


def _bucket_settings(tmp_path: Path, env: dict[str, str]) -> Settings:
    return Settings.from_env({"RENDA_VAR_DIR": str(tmp_path), **env})


def test_the_bucket_is_probed_and_a_wrong_one_is_named(s3: S3Server, tmp_path: Path) -> None:
    good = _bucket_settings(tmp_path, s3.env(s3.new_bucket()))
    (probe,) = photo_store_checks(good).values()
    probe()  # answers
    missing = _bucket_settings(tmp_path, s3.env("renda-no-such-bucket"))
    with pytest.raises(PhotoStoreUnreachable, match=r"renda-no-such-bucket .* does not exist"):
        photo_store_checks(missing)["photo_store"]()
    closed = _bucket_settings(
        tmp_path,
        {**s3.env("renda-any"), "RENDA_S3_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}"},
    )
    with pytest.raises(PhotoStoreUnreachable, match=r"cannot be reached .*RENDA_S3_ENDPOINT_URL"):
        photo_store_checks(closed)["photo_store"]()
    files = _bucket_settings(tmp_path, {})
    assert photo_store_checks(files) == {}  # a directory needs no probe


def test_a_process_with_a_wrong_bucket_refuses_to_start(s3: S3Server, tmp_path: Path) -> None:
    from renda.processes import require_dependencies

    require_dependencies(_bucket_settings(tmp_path, s3.env(s3.new_bucket())), ["intake"])
    wrong = _bucket_settings(tmp_path, s3.env("renda-no-such-bucket"))
    with pytest.raises(SystemExit, match="intake cannot start: photo_store: the bucket renda-no"):
        require_dependencies(wrong, ["intake"])
    require_dependencies(wrong, ["workflow", "scoring", "notify"])  # they keep no photos
