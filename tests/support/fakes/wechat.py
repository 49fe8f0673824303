"""A fake of WeChat's token and subscription-message API."""

from __future__ import annotations

from tests.support.fakes.http import FakeServer, Request


def wechat_api(*errcodes: int, appid: str = "wx-test", secret: str = "wx-secret") -> FakeServer:
    """Issues tokens for the app id and secret; answers each send with the scripted
    errcodes in turn, then 0 (sent)."""
    remaining = list(errcodes)
    issued: list[str] = []

    def respond(request: Request) -> tuple[int, dict]:
        if request.path == "/cgi-bin/token":
            if request.query.get("appid") != [appid] or request.query.get("secret") != [secret]:
                return 200, {"errcode": 40013, "errmsg": "invalid appid"}
            issued.append(f"token-{len(issued) + 1}")
            return 200, {"access_token": issued[-1], "expires_in": 7200}
        if request.path == "/cgi-bin/message/subscribe/send":
            if request.query.get("access_token", [""])[0] not in issued:
                return 200, {"errcode": 40001, "errmsg": "invalid credential"}
            code = remaining.pop(0) if remaining else 0
            return 200, {"errcode": code, "errmsg": "ok" if code == 0 else "error"}
        return 404, {}

    return FakeServer(respond).start()


def sent(api: FakeServer) -> list[dict]:
    return [r.json() for r in api.requests if r.path == "/cgi-bin/message/subscribe/send"]


def tokens_fetched(api: FakeServer) -> int:
    return sum(1 for r in api.requests if r.path == "/cgi-bin/token")
