"""The Flask app factory: each service's API under /<service>/v1, shared plumbing at the root."""

from __future__ import annotations

import ipaddress
import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, Response, current_app, g, jsonify, request
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix

from runtime import arguments
from runtime.config import Settings
from runtime.context import ServiceRuntime
from runtime.directory import Principal
from runtime.directory.service import Place
from runtime.json_input import parse_body, refuse_unstorable
from runtime.logs import bind_log_context, reset_log_context
from runtime.metrics import DEPENDENCY_UP, HTTP_LATENCY, HTTP_REQUESTS, exposition
from runtime.openapi import (
    ProblemApi,
    ProblemResponses,
    api_config,
    forbidding,
    is_public_doc,
    serve_docs_assets,
)
from runtime.problems import DomainProblem, from_http_exception, problem

log = logging.getLogger(__name__)
arguments.install()
F = TypeVar("F", bound=Callable[..., Any])
Checks = dict[str, Callable[[], None]]
"""More readiness checks by name (a worker's consumers); each raises when not ready."""


def create_app(runtimes: list[ServiceRuntime], checks: Checks | None = None) -> Flask:
    """The API of each given service. Its readiness is its databases' (and the given checks'):
    an API writes to its outbox and never to the broker, so it keeps taking
    writes while the broker is away."""
    settings = runtimes[0].settings
    app = Flask("renda")
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.config.update(MAX_CONTENT_LENGTH=settings.max_request_bytes, JSON_SORT_KEYS=False)
    app.extensions["renda"] = {rt.name: rt for rt in runtimes}
    for rt in runtimes:
        app.config.update(api_config(rt.name))
        api = ProblemApi(
            app,
            config_prefix=rt.name.upper() + "_",
            spec_kwargs={
                "info": {"description": rt.spec.title},
                "components": {
                    "securitySchemes": {
                        "apiKey": {
                            "type": "http",
                            "scheme": "bearer",
                            "description": "renda API key",
                        }
                    }
                },
                "security": [{"apiKey": []}],
                "extra_plugins": [ProblemResponses()],
            },
        )
        for blueprint in rt.spec.blueprints():
            api.register_blueprint(
                blueprint, url_prefix=f"/{rt.name}/v1{blueprint.url_prefix or ''}"
            )
        serve_docs_assets(app, rt.name)
    _install_plumbing(app, runtimes, None, checks)
    return app


def create_ops_app(
    runtimes: list[ServiceRuntime], broker_check: Callable[[], None], checks: Checks | None = None
) -> Flask:
    """A worker's HTTP face: /metrics, /healthz and /readyz only."""
    app = Flask("renda-worker")
    _install_plumbing(app, runtimes, broker_check, checks)
    return app


def _install_plumbing(
    app: Flask,
    runtimes: list[ServiceRuntime],
    broker_check: Callable[[], None] | None,
    checks: Checks | None,
) -> None:
    names = {rt.name for rt in runtimes}

    @app.before_request
    def _start() -> None:
        g.started = time.perf_counter()
        g.correlation_id = request.headers.get("X-Correlation-Id") or str(uuid.uuid4())
        service = request.path.split("/", 2)[1] if request.path.count("/") >= 2 else ""
        g.service = service if service in names else "-"
        reset_log_context(correlation_id=g.correlation_id, service=g.service)
        if g.service == "-":
            return
        # The OpenAPI document, its UI and the disclosure feeds (nothing personal) need no key.
        public = is_public_doc(request.path, g.service) or request.path.startswith(
            f"/{g.service}/v1/public/"
        )
        if not public:
            g.principal = _authenticate(app.extensions["renda"][g.service])
        if request.url_rule is not None:
            _check_input()

    @app.after_request
    def _finish(response: Response) -> Response:
        route = request.url_rule.rule if request.url_rule else "unmatched"
        service = getattr(g, "service", "-")
        HTTP_REQUESTS.labels(service, request.method, route, str(response.status_code)).inc()
        HTTP_LATENCY.labels(service, request.method, route).observe(
            time.perf_counter() - getattr(g, "started", time.perf_counter())
        )
        response.headers["X-Correlation-Id"] = getattr(g, "correlation_id", "")
        return response

    app.register_error_handler(HTTPException, from_http_exception)

    @app.errorhandler(OperationalError)
    def _database_unreachable(exc: OperationalError) -> Response:
        # A database restart or outage: the pool drops the dead connection, and the client
        # may try again (a write with the same Idempotency-Key is not applied twice).
        log.warning("database unreachable: %s", type(exc.orig).__name__)
        answer = problem(
            503,
            "Service Unavailable",
            "The database could not be reached. Try again shortly; a write sent again with "
            "the same Idempotency-Key is never applied twice.",
        )
        answer.headers["Retry-After"] = "1"
        return answer

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("unhandled error")
        return problem(
            500, "Internal Server Error", "The error was logged with its correlation id."
        )

    readiness = ReadinessProbe(runtimes, broker_check, checks=checks)

    @app.get("/metrics")
    def _metrics() -> Response:
        # Each scrape also checks the dependencies, so renda_dependency_up (and a worker's
        # queue depths) are as fresh as the scrape.
        readiness.check()
        body, content_type = exposition()
        return Response(body, content_type=content_type)

    @app.get("/healthz")
    def _healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    def _readyz() -> Response:
        checks = readiness.check()
        ok = all(v == "ok" for v in checks.values())
        if ok:
            return jsonify(status="ready", checks=checks)
        return problem(503, "Not ready", "A dependency is unreachable.", checks=checks)


class ReadinessProbe:
    """Database and broker reachability, cached briefly so probes cannot overload them."""

    def __init__(
        self,
        runtimes: list[ServiceRuntime],
        broker_check: Callable[[], None] | None,
        ttl: float = 2.0,
        checks: Checks | None = None,
    ) -> None:
        self.runtimes = runtimes
        self.broker_check = broker_check
        self.checks = dict(checks or {})
        for rt in runtimes:
            self.checks.update(rt.spec.checks(rt.settings))
        self.ttl = ttl
        self._cached: tuple[float, dict[str, str]] | None = None
        self._lock = threading.Lock()

    def check(self) -> dict[str, str]:
        with self._lock:
            if self._cached and time.monotonic() - self._cached[0] < self.ttl:
                return self._cached[1]
            checks: dict[str, str] = {}
            for name, probe in self._probes():
                try:
                    probe()
                    checks[name] = "ok"
                except Exception as exc:
                    checks[name] = f"unreachable: {type(exc).__name__}"
                DEPENDENCY_UP.labels(name).set(1 if checks[name] == "ok" else 0)
            self._cached = (time.monotonic(), checks)
            return checks

    def _probes(self) -> list[tuple[str, Callable[[], None]]]:
        probes = [(f"database:{rt.name}", rt.db.ping) for rt in self.runtimes]
        probes.append(("database:directory", self.runtimes[0].directory.db.ping))
        if self.broker_check is not None:
            probes.append(("broker", self.broker_check))
        probes.extend(self.checks.items())
        return probes


def _check_input() -> None:
    """Refuse at the door what no view should see: text the database cannot store in the
    path, query or headers, and a write's body that is not JSON the services can keep."""
    refuse_unstorable((request.view_args or {}).items(), "path parameter")
    refuse_unstorable(request.args.items(multi=True), "query parameter")
    refuse_unstorable(request.headers.items(), "header")
    if request.method in ("POST", "PUT", "PATCH"):
        upload = _upload_of_view()
        if upload is not None:
            _check_upload(upload)
            return
        data = request.get_data(cache=True)  # a Content-Length over the limit is 413 here
        # Without Content-Length (chunked) werkzeug stops silently at the limit: a body
        # that reached it is refused, not cut short.
        limit = request.max_content_length
        if limit is not None and request.content_length is None and len(data) >= limit:
            raise RequestEntityTooLarge()
        if data.strip() or _takes_body():
            document = parse_body(data, request.mimetype or None)
            # Parsed once: request.get_json() and webargs (runtime.arguments) read this
            # checked document from werkzeug's cache instead of parsing the body again.
            request._cached_json = (document, document)


MULTIPART = "multipart/form-data"


@dataclass(frozen=True)
class Upload:
    """A write that takes files (multipart/form-data) instead of a JSON body."""

    limit: Callable[[Settings], int]
    """The whole request's size limit, from the settings (instead of RENDA_MAX_REQUEST_BYTES)."""
    field: str
    """The file field a too-large request is blamed on."""
    explain: Callable[[Settings], str]
    """What the endpoint takes, in the words of its fields (e.g. "up to 3 photos of 5 MB")."""


def takes_upload(
    limit: Callable[[Settings], int], field: str, explain: Callable[[Settings], str]
) -> Callable[[F], F]:
    """For a view that takes multipart/form-data (files beside form fields) instead of a JSON
    body: only that media type is accepted, the request is limited to `limit(settings)`,
    and its form fields are checked like a JSON body's text. Put it right under
    `@blp.route`. Every other write still needs JSON (parse_body)."""

    def decorate(view: F) -> F:
        view._renda_upload = Upload(limit, field, explain)  # type: ignore[attr-defined]
        return view

    return decorate


def _upload_of_view() -> Upload | None:
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, "_renda_upload", None)


def _check_upload(upload: Upload) -> None:
    if request.mimetype != MULTIPART:
        raise DomainProblem(
            415,
            "Unsupported Media Type",
            f"Send this request as {MULTIPART} (got {request.mimetype or 'no Content-Type'}).",
            "Content-Type",
        )
    settings = service(g.service).settings
    limit = upload.limit(settings)
    request.max_content_length = limit
    too_large = DomainProblem(
        413,
        "Content Too Large",
        f"The request is larger than {limit:,} bytes: this endpoint takes "
        f"{upload.explain(settings)}. Nothing was kept.",
        upload.field,
        f"too large: {upload.explain(settings)}",
    )
    if request.content_length is not None and request.content_length > limit:
        raise too_large
    try:
        form = request.form  # parses the body; werkzeug stops at the limit
        files = request.files
    except RequestEntityTooLarge:
        raise too_large from None
    refuse_unstorable(form.items(multi=True), "form field", printed=True)
    refuse_unstorable(((name, f.filename or "") for name, f in files.items(multi=True)), "file")


class TrustedProxies:
    """The client's address from X-Forwarded-For, believed only when the connection comes
    from a configured proxy network (RENDA_TRUSTED_PROXIES): werkzeug's ProxyFix with
    RENDA_TRUSTED_PROXY_HOPS. From anywhere else the header is ignored, so a client cannot
    choose its own address to slip past the per-address limits (ADR 0011)."""

    def __init__(self, app: Any, networks: tuple[str, ...], hops: int) -> None:
        try:
            self.networks = [ipaddress.ip_network(n, strict=False) for n in networks]
        except ValueError as exc:
            raise ValueError(f"RENDA_TRUSTED_PROXIES: {exc}") from None
        if hops < 1:
            raise ValueError("RENDA_TRUSTED_PROXY_HOPS is at least 1")
        self.app = app
        self.fixed = ProxyFix(app, x_for=hops, x_proto=hops)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        try:
            peer = ipaddress.ip_address(environ.get("REMOTE_ADDR", ""))
        except ValueError:
            peer = None
        if peer is not None and any(peer in network for network in self.networks):
            return self.fixed(environ, start_response)
        return self.app(environ, start_response)


def behind_proxies(app: Flask, settings: Settings) -> None:
    """Believe X-Forwarded-For from the configured proxies only (none: never)."""
    if settings.trusted_proxies:
        app.wsgi_app = TrustedProxies(  # type: ignore[method-assign]
            app.wsgi_app, settings.trusted_proxies, settings.trusted_proxy_hops
        )


def _takes_body() -> bool:
    """Whether the matched operation declares a JSON body (flask-smorest's arguments): a
    write such as "mark read" or "replay" takes none, and needs no empty `{}` sent."""
    view = current_app.view_functions.get(request.endpoint or "")
    declared = getattr(view, "_apidoc", None) or {}
    parameters = declared.get("arguments", {}).get("parameters", [])
    return any(p.get("in") == "json" for p in parameters)


def _authenticate(rt: ServiceRuntime) -> Principal:
    # The scheme is case-insensitive (RFC 9110 §11.1): Bearer, bearer, BEARER.
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    token = credentials.strip() if scheme.lower() == "bearer" else ""
    token = token or request.headers.get("X-API-Key", "")
    principal = rt.directory.authenticate(token) if token else None
    if principal is None:
        raise DomainProblem(
            401, "Unauthorized", "A valid API key is required (Authorization: Bearer …)."
        )
    bind_log_context(key_id=principal.key_id, tenant=principal.node_id)
    return principal


def service(name: str) -> ServiceRuntime:
    return current_app.extensions["renda"][name]


def principal() -> Principal:
    return g.principal


def answers_forbidden(view: F) -> F:
    """For a view that refuses some keys itself (403), beyond `requires_role`: documents it.
    Put it right under `@blp.route`."""
    forbidding(view)
    return view


def requires_role(*roles: str) -> Callable[[F], F]:
    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if principal().role not in roles:
                raise DomainProblem(
                    403, "Forbidden", f"This needs one of the roles: {', '.join(roles)}."
                )
            return view(*args, **kwargs)

        forbidding(wrapper)
        return wrapper  # type: ignore[return-value]

    return decorate


def not_found(what: str) -> DomainProblem:
    """Another tenant's resource answers exactly like a missing one."""
    return DomainProblem(404, "Not Found", f"No {what} with that id.")


def node_in_reach(service_name: str, node_id: str, field: str) -> Place:
    """The node asked for, if the key's reach covers it; otherwise a 404 naming `field`,
    as for a node that does not exist."""
    node = service(service_name).directory.node(node_id)
    if node is None or not principal().can_see(node.path):
        raise not_found(field)
    return node
