"""A real S3-compatible HTTP server for the tests: moto's, in a thread on a free port.
What the tests' storage talks to is HTTP through boto3, as to MinIO or AWS."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3
from moto.server import ThreadedMotoServer

from runtime.config import _photo_store

REGION = "us-east-1"
ACCESS_KEY_ID, SECRET_ACCESS_KEY = "renda-test", "renda-test-secret"


@dataclass(frozen=True)
class S3Server:
    endpoint_url: str

    def env(self, bucket: str, prefix: str = "photos") -> dict[str, str]:
        """The environment that keeps photos in the bucket on this server."""
        return {
            "RENDA_PHOTO_STORE": f"s3://{bucket}/{prefix}",
            "RENDA_S3_ENDPOINT_URL": self.endpoint_url,
            "RENDA_S3_REGION": REGION,
            "RENDA_S3_ACCESS_KEY_ID": ACCESS_KEY_ID,
            "RENDA_S3_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
        }

    def settings(self, bucket: str, prefix: str = "photos") -> dict[str, str]:
        """The same as Settings overrides (tests.support.system.start_in_process)."""
        return _photo_store(self.env(bucket, prefix))

    def client(self) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY_ID,
            aws_secret_access_key=SECRET_ACCESS_KEY,
        )

    def new_bucket(self) -> str:
        """A bucket of the test's own."""
        name = f"renda-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def keys(self, bucket: str) -> list[str]:
        listed = self.client().list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in listed.get("Contents", []))


@contextmanager
def s3_server() -> Iterator[S3Server]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield S3Server(f"http://{host}:{port}")
    finally:
        server.stop()
