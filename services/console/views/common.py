"""What every page needs: the signed-in person, the API as that person, and its answers."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, current_app, g, redirect, request, session, url_for

from runtime.directory import Directory
from services.console.client import Answer, Api

F = TypeVar("F", bound=Callable[..., Any])


def api() -> Api:
    return g.api


def directory() -> Directory:
    return current_app.extensions["console"]["directory"]


def person() -> dict[str, Any]:
    return g.person


def signed_in(*roles: str) -> Callable[[F], F]:
    """Only a signed-in person in one of these roles (any role when none are named)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if g.person is None:
                return redirect(url_for("auth.sign_in", next=request.path))
            if roles and g.person["role"] not in roles:
                abort(403, "您的账号不能使用此页面。")
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def expect(answer: Answer) -> Any:
    """The body of a successful read; a missing or unreachable thing is a 404 page, an
    ended session a new sign-in."""
    if answer.ok:
        return answer.body
    if answer.status == 401:
        session.clear()
        abort(redirect(url_for("auth.sign_in", expired=1, next=request.path)))
    if answer.status in (403, 404):
        abort(404, "没有这条记录，或您无权查看。")
    if answer.status == 422:
        abort(400, "查询条件有误：" + "；".join(answer.field_errors().values()))
    abort(502, "服务暂时不可用，请稍后再试。")
