"""Signing in and out."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from runtime.metrics import CONSOLE_SIGN_INS
from services.console.views.common import directory, signed_in

bp = Blueprint("auth", __name__)

HOME = {"committee": "committee.dashboard", "reader": "committee.dashboard"}


@bp.get("/")
def home() -> Any:
    if g.person is None:
        return redirect(url_for("public.progress"))
    if g.person["role"] == "deputy":
        return redirect(url_for("suggestions.mine"))
    return redirect(url_for(HOME.get(g.person["role"], "suggestions.listing")))


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> Any:
    errors: dict[str, str] = {}
    notice = "会话已超时，请重新登录。" if request.args.get("expired") else ""
    account_id = request.form.get("account", "").strip().lower()
    if request.method == "POST":
        limits = current_app.extensions["console"]
        address = request.remote_addr or "-"
        keys = (f"account:{account_id}", f"address:{address}")
        if limits["by_account"].blocked(keys[0]) or limits["by_address"].blocked(keys[1]):
            CONSOLE_SIGN_INS.labels("throttled").inc()
            abort(429, "登录尝试次数过多，请 5 分钟后再试。")
        if not account_id:
            errors["account"] = "请输入账号。"
        if not request.form.get("password"):
            errors["password"] = "请输入密码。"
        if not errors:
            signed = directory().accounts.sign_in(account_id, request.form["password"])
            if signed is None:
                limits["by_account"].failed(keys[0])
                limits["by_address"].failed(keys[1])
                CONSOLE_SIGN_INS.labels("refused").inc()
                errors["password"] = "账号或密码不正确，或账号已停用。"
            else:
                CONSOLE_SIGN_INS.labels("ok").inc()
                session.clear()
                session.permanent = True
                session.update(
                    token=signed.token,
                    seen=time.time(),
                    who={
                        "account": signed.account_id,
                        "name": signed.name,
                        "role": signed.role,
                        "node": signed.node_id,
                        "subject": signed.subject,
                    },
                )
                return redirect(_local(request.args.get("next")) or url_for("auth.home"))
    status = 422 if errors else 200
    return render_template("sign_in.html", errors=errors, account=account_id, notice=notice), status


@bp.post("/sign-out")
@signed_in()
def sign_out() -> Any:
    directory().accounts.sign_out(session.get("token", ""))
    session.clear()
    return redirect(url_for("auth.sign_in"))


def _local(target: str | None) -> str | None:
    """Only a path of this console: never an open redirect."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/"):
        return None
    return request.script_root + target
