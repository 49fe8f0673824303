"""Settings, read once from the environment (see docs/configuration.md)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from contracts.contact import development_key

SERVICES = ("intake", "workflow", "scoring", "notify")
"""The four services. The directory (tenant tree, keys, people) is shared reference data."""

DIRECTORY = "directory"


def _floats(text: str) -> tuple[float, ...]:
    return tuple(float(part) for part in text.split(",") if part.strip())


def _contact_keys(env: dict[str, str], secret_key: str, environment: object) -> tuple[str, ...]:
    keys = tuple(k.strip() for k in env.get("RENDA_CONTACT_KEYS", "").split(",") if k.strip())
    if keys:
        return keys
    if environment == "production":
        return ()  # the first opinion with a contact fails, naming RENDA_CONTACT_KEYS
    return (development_key(secret_key),)


@dataclass(frozen=True)
class Settings:
    database_url: str
    broker_url: str
    bus_prefix: str = "renda"
    port: int = 8000
    worker_port: int = 9000
    log_level: str = "INFO"
    max_request_bytes: int = 1024 * 1024
    outbox_poll_seconds: float = 0.2
    outbox_linger_seconds: float = 0.005
    """How long a relay woken by a commit waits for the commits right behind it."""
    retry_delays: tuple[float, ...] = (1.0, 5.0, 30.0)
    max_attempts: int = 5
    delivery_limit: int = 20
    prefetch: int = 20
    consumer_batch: int = 20
    """Most events a consumer applies in one transaction (ADR 0019); 1: one at a time."""
    consumer_linger_seconds: float = 0.002
    """How long a consumer with a batch begun waits for one more message before applying it."""
    consumer_threads: int = 1
    worker_host: str = "0.0.0.0"
    var_dir: Path = field(default_factory=lambda: Path("var"))
    key_cache_seconds: float = 30.0
    tick_seconds: float = 60.0
    message_retention_days: float = 14.0
    calendar_cache_seconds: float = 60.0
    environment: str = "development"
    secret_key: str = ""
    session_idle_seconds: float = 1800.0
    api_base_url: str = ""
    contact_keys: tuple[str, ...] = ()
    """Fernet keys for constituents' contacts, newest first (contracts/contact.py)."""
    opinion_rate_per_token: int = 30
    opinion_rate_per_address: int = 10
    opinion_rate_window_seconds: int = 600
    opinion_fold_window_seconds: int = 86400
    opinion_photo_max_bytes: int = 5_000_000
    """Largest photo an opinion takes (up to 3 each); a larger one is refused, none kept."""
    photo_dir: Path | None = None
    """Where opinions' photos are kept (services/intake/photos.py); var_dir/photos if unset."""
    photo_store: str = ""
    """`s3://bucket/prefix`: photos in an S3-compatible bucket instead of photo_dir."""
    s3_endpoint_url: str = ""
    """The S3-compatible server (MinIO, Ceph, …); empty: AWS."""
    s3_region: str = ""
    s3_access_key_id: str = ""
    """With the secret: the bucket's credentials; empty: boto3's own (AWS_*, the pod's role)."""
    s3_secret_access_key: str = field(default="", repr=False)
    trusted_proxies: tuple[str, ...] = ()
    """Networks (CIDR) of the proxies whose X-Forwarded-For an API believes (ADR 0011)."""
    trusted_proxy_hops: int = 1
    """How many of those proxies stand between the client and the API."""

    def database_url_for(self, service: str) -> str:
        """Each service has its own database; `{service}` in the URL names it."""
        return self.database_url.replace("{service}", service)

    def api_url_for(self, service: str) -> str:
        """Where the console on its own reaches a service's API (RENDA_API_BASE_URL): one
        gateway for all, one URL with `{service}` in it, or a `service=url,…` list."""
        listed = _api_url_list(self.api_base_url)
        if listed is not None:
            return listed[service]
        return self.api_base_url.replace("{service}", service)

    @property
    def in_process_bus(self) -> bool:
        return self.broker_url.startswith("memory://")

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides: object) -> Settings:
        env = dict(os.environ if env is None else env)
        var_dir = Path(env.get("RENDA_VAR_DIR", "var"))
        values: dict[str, object] = {
            "database_url": env.get(
                "RENDA_DATABASE_URL", f"sqlite:///{var_dir.resolve()}/{{service}}.db"
            ),
            "broker_url": env.get("RENDA_BROKER_URL", "memory://localhost/"),
            "bus_prefix": env.get("RENDA_BUS_PREFIX", "renda"),
            "port": int(env.get("PORT", "8000")),
            "worker_port": int(env.get("RENDA_WORKER_PORT", "9000")),
            "log_level": env.get("RENDA_LOG_LEVEL", "INFO").upper(),
            "max_request_bytes": int(env.get("RENDA_MAX_REQUEST_BYTES", str(1024 * 1024))),
            "outbox_poll_seconds": float(env.get("RENDA_OUTBOX_POLL_SECONDS", "0.2")),
            "outbox_linger_seconds": float(env.get("RENDA_OUTBOX_LINGER_SECONDS", "0.005")),
            "retry_delays": _floats(env.get("RENDA_RETRY_DELAYS", "1,5,30")),
            "max_attempts": int(env.get("RENDA_MAX_ATTEMPTS", "5")),
            "delivery_limit": int(env.get("RENDA_DELIVERY_LIMIT", "20")),
            "prefetch": int(env.get("RENDA_PREFETCH", "20")),
            "consumer_batch": int(env.get("RENDA_CONSUMER_BATCH", "20")),
            "consumer_linger_seconds": float(env.get("RENDA_CONSUMER_LINGER_SECONDS", "0.002")),
            "consumer_threads": int(env.get("RENDA_CONSUMER_THREADS", "1")),
            "worker_host": env.get("RENDA_WORKER_HOST", "0.0.0.0"),
            "var_dir": var_dir,
            "key_cache_seconds": float(env.get("RENDA_KEY_CACHE_SECONDS", "30")),
            "tick_seconds": float(env.get("RENDA_TICK_SECONDS", "60")),
            "message_retention_days": float(env.get("RENDA_MESSAGE_RETENTION_DAYS", "14")),
            "calendar_cache_seconds": float(env.get("RENDA_CALENDAR_CACHE_SECONDS", "60")),
            "environment": env.get("RENDA_ENV", "development").lower(),
            "secret_key": env.get("RENDA_SECRET_KEY", ""),
            "session_idle_seconds": float(env.get("RENDA_SESSION_IDLE_SECONDS", "1800")),
            "api_base_url": env.get("RENDA_API_BASE_URL", ""),
        }
        values["contact_keys"] = _contact_keys(
            env, str(values["secret_key"]), values["environment"]
        )
        values["opinion_rate_per_token"] = int(env.get("RENDA_OPINION_RATE_PER_TOKEN", "30"))
        values["opinion_rate_per_address"] = int(env.get("RENDA_OPINION_RATE_PER_ADDRESS", "10"))
        values["opinion_rate_window_seconds"] = int(
            env.get("RENDA_OPINION_RATE_WINDOW_SECONDS", "600")
        )
        values["opinion_fold_window_seconds"] = int(
            env.get("RENDA_OPINION_FOLD_WINDOW_SECONDS", "86400")
        )
        values["opinion_photo_max_bytes"] = int(env.get("RENDA_OPINION_PHOTO_MAX_BYTES", "5000000"))
        values["photo_dir"] = Path(env["RENDA_PHOTO_DIR"]) if env.get("RENDA_PHOTO_DIR") else None
        values.update(_photo_store(env))
        values["trusted_proxies"] = tuple(
            part.strip() for part in env.get("RENDA_TRUSTED_PROXIES", "").split(",") if part.strip()
        )
        values["trusted_proxy_hops"] = int(env.get("RENDA_TRUSTED_PROXY_HOPS", "1"))
        values.update(overrides)
        listed = _api_url_list(str(values["api_base_url"]))
        if listed is not None and sorted(listed) != sorted(SERVICES):
            raise ValueError(
                "RENDA_API_BASE_URL as a list names each service once: "
                + ",".join(f"{name}=URL" for name in SERVICES)
            )
        if int(values["consumer_batch"]) < 1:  # type: ignore[call-overload]
            raise ValueError("RENDA_CONSUMER_BATCH is at least 1 (1: one event at a time)")
        if not values["retry_delays"]:
            raise ValueError("RENDA_RETRY_DELAYS needs at least one delay, e.g. 1,5,30")
        return cls(**values)  # type: ignore[arg-type]


def _photo_store(env: dict[str, str]) -> dict[str, str]:
    """RENDA_PHOTO_STORE and its S3 settings, refused at startup when they cannot work
    (rather than at the first photo)."""
    store = env.get("RENDA_PHOTO_STORE", "").strip()
    if store and not re.fullmatch(r"s3://[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9](/.*)?", store):
        raise ValueError(
            f"RENDA_PHOTO_STORE is s3://bucket or s3://bucket/prefix (empty: files), not {store!r}"
        )
    key_id = env.get("RENDA_S3_ACCESS_KEY_ID", "")
    secret = env.get("RENDA_S3_SECRET_ACCESS_KEY", "")
    if bool(key_id) != bool(secret):
        raise ValueError("RENDA_S3_ACCESS_KEY_ID and RENDA_S3_SECRET_ACCESS_KEY go together")
    return {
        "photo_store": store,
        "s3_endpoint_url": env.get("RENDA_S3_ENDPOINT_URL", ""),
        "s3_region": env.get("RENDA_S3_REGION", ""),
        "s3_access_key_id": key_id,
        "s3_secret_access_key": secret,
    }


def _api_url_list(value: str) -> dict[str, str] | None:
    """`intake=http://…,workflow=http://…` as a dict; None when the value is one URL (a URL
    starts with its scheme and a colon, never with a name and "=")."""
    if not re.match(r"[a-z]+=", value):
        return None
    pairs = [item.partition("=") for item in value.split(",") if item.strip()]
    listed = {name.strip(): url.strip() for name, _, url in pairs}
    return listed if len(listed) == len(pairs) else {}
