"""The console's Flask app: sessions, CSRF, sign-in, and the page blueprints."""

from __future__ import annotations

import time
import uuid
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, Response, g, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from contracts.zone import SHANGHAI
from runtime.directory import Directory
from runtime.metrics import HTTP_LATENCY, HTTP_REQUESTS, exposition
from services.console import labels
from services.console.client import Api, Send
from services.console.throttle import SignInThrottle

MOUNT = "/console"


COOKIE_MARGIN_SECONDS = 600


def create_console(
    directory: Directory,
    send: Send,
    *,
    secret_key: str,
    idle_seconds: float,
    secure_cookies: bool = False,
    photo_max_bytes: int = 5_000_000,
    max_upload_bytes: int = 16 * 1024 * 1024,
) -> Flask:
    """The console at the root of its own app; `mounted` puts it under /console."""
    if not secret_key:
        raise ValueError("the console needs RENDA_SECRET_KEY to sign its session cookies")
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secret_key,
        SESSION_COOKIE_NAME="renda_console",
        SESSION_COOKIE_PATH=MOUNT,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure_cookies,
        # The idle time is enforced here and by the server-side session; the cookie outlives
        # it by a margin so the person is told the session timed out (a cookie the browser
        # dropped at the same second would only show the sign-in page, unexplained).
        PERMANENT_SESSION_LIFETIME=timedelta(seconds=idle_seconds + COOKIE_MARGIN_SECONDS),
        SESSION_REFRESH_EACH_REQUEST=True,
        # The token lives as long as the session: a form left open past the idle time
        # is refused with the session anyway.
        WTF_CSRF_TIME_LIMIT=None,
        IDLE_SECONDS=idle_seconds,
        # The largest page write is the public opinion form with its photos; beyond that
        # nothing is read (it had no limit before the form took files).
        MAX_CONTENT_LENGTH=max_upload_bytes,
        OPINION_PHOTO_MAX_BYTES=photo_max_bytes,
    )
    app.extensions["console"] = {
        "directory": directory,
        "send": send,
        "by_account": SignInThrottle(attempts=5),
        "by_address": SignInThrottle(attempts=30),
    }
    CSRFProtect(app)
    # new_key(): the Idempotency-Key a rendered form carries, so submitting it twice is one
    # write.
    app.jinja_env.globals.update(labels=labels, new_key=lambda: str(uuid.uuid4()))
    app.jinja_env.filters["local"] = local_time
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    from services.console.views import (
        auth,
        committee,
        opinions_public,
        opinions_staff,
        points,
        projects,
        public,
        suggestions,
        votes,
    )

    blueprints = (
        auth.bp,
        committee.bp,
        suggestions.bp,
        points.bp,
        public.bp,
        opinions_public.bp,
        opinions_staff.bp,
        projects.bp,
        votes.bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    from services.console.views import consultations, notices, notify, reviews

    app.register_blueprint(notify.bp)
    app.register_blueprint(notices.bp)
    app.register_blueprint(consultations.bp)
    app.register_blueprint(reviews.bp)

    @app.before_request
    def _who() -> Any:
        g.started = time.perf_counter()
        g.person = None
        who = session.get("who")
        if who is None:
            g.api = Api(send)
            return None
        if time.time() - session.get("seen", 0) > idle_seconds:
            directory.accounts.sign_out(session.get("token", ""))
            session.clear()
            return redirect(url_for("auth.sign_in", expired=1, next=request.path))
        session["seen"] = time.time()
        session.permanent = True
        g.person = who
        g.api = Api(send, session.get("token"))
        return None

    @app.after_request
    def _measure(response: Response) -> Response:
        # The route's rule, not the path: ids in paths would make the label set unbounded.
        route = request.url_rule.rule if request.url_rule else "unmatched"
        HTTP_REQUESTS.labels("console", request.method, route, str(response.status_code)).inc()
        HTTP_LATENCY.labels("console", request.method, route).observe(
            time.perf_counter() - g.get("started", time.perf_counter())
        )
        return response

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy", "default-src 'self'; img-src 'self' data:"
        )
        if g.get("person"):
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError) -> tuple[str, int]:
        return render_template("error.html", title="表单已失效", detail=_csrf_text(exc)), 400

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> tuple[str, int]:
        titles = {403: "无权访问", 404: "未找到", 429: "尝试次数过多"}
        title = titles.get(exc.code or 500, exc.name)
        return render_template("error.html", title=title, detail=exc.description), exc.code or 500

    return app


def local_time(value: str | None) -> str:
    """An API time (ISO 8601, UTC) as people in China read it; a date stays a date."""
    if not value or len(value) <= 10:
        return value or ""
    return datetime.fromisoformat(value).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def _csrf_text(exc: CSRFError) -> str:
    return "表单缺少或带有无效的安全令牌（CSRF），未被受理。请返回页面刷新后重新提交。"


def mounted(console: Flask, rest: Any = None) -> DispatcherMiddleware:
    """The console under /console, the rest (the APIs in one process) everywhere else."""
    return DispatcherMiddleware(rest or NotFound(), {MOUNT: console})


def plumbing() -> Flask:
    """The console on its own answers Prometheus at /metrics and the kubelet at /healthz,
    outside /console, like every other renda process."""
    app = Flask("renda.console.plumbing")

    @app.get("/metrics")
    def _metrics() -> Response:
        body, content_type = exposition()
        return Response(body, content_type=content_type)

    @app.get("/healthz")
    def _healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
