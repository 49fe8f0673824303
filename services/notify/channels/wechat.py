"""WeChat subscription messages (订阅消息) through the official account / mini-program API.

The access token is fetched with the app id and secret, cached until shortly before it
expires, and fetched again when the API says it is invalid. Each message kind has its
template id and fields (RENDA_WECHAT_TEMPLATES; the kind `*` is the default), e.g.
`{"*": {"template_id": "T1", "fields": {"thing1": "subject", "thing2": "body"}}}`."""

from __future__ import annotations

import threading
import time

import requests

from services.notify.channels import Outcome, Outgoing

TOKEN_INVALID = frozenset({40001, 40014, 42001})
REFUSED = frozenset({40003, 40037, 43101, 47003})
"""Bad openid, bad template, the user has not subscribed (or unsubscribed), bad fields."""
THING_CHARS = 20
"""A `thing` field holds at most 20 characters."""


class WeChatSender:
    def __init__(
        self, api: str, appid: str, secret: str, templates: dict[str, dict], timeout: float
    ) -> None:
        self.api = api.rstrip("/")
        self.appid = appid
        self.secret = secret
        self.templates = templates
        self.timeout = timeout
        self._token: tuple[str, float] | None = None
        self._lock = threading.Lock()

    def __call__(self, message: Outgoing) -> Outcome:
        template = self.templates.get(message.kind) or self.templates.get("*")
        if template is None:
            return Outcome("refused", f"no WeChat template for {message.kind}")
        values = {"subject": message.subject, "body": message.body or message.subject}
        body = {
            "touser": message.address,
            "template_id": template["template_id"],
            "data": {
                name: {"value": values.get(source, source)[:THING_CHARS]}
                for name, source in template.get("fields", {}).items()
            },
        }
        try:
            code, text = self._send(body, refresh=False)
            if code in TOKEN_INVALID:
                code, text = self._send(body, refresh=True)
        except (requests.RequestException, ValueError, KeyError) as exc:
            return Outcome("retry", f"{type(exc).__name__}: {exc}"[:500])
        if code == 0:
            return Outcome("delivered")
        return Outcome("refused" if code in REFUSED else "retry", f"errcode {code}: {text}"[:500])

    def _send(self, body: dict, refresh: bool) -> tuple[int, str]:
        answer = requests.post(
            f"{self.api}/cgi-bin/message/subscribe/send",
            params={"access_token": self._access_token(refresh)},
            json=body,
            timeout=self.timeout,
        )
        answer.raise_for_status()
        data = answer.json()
        return int(data.get("errcode", 0)), str(data.get("errmsg", ""))

    def _access_token(self, refresh: bool) -> str:
        with self._lock:
            if refresh or self._token is None or self._token[1] <= time.monotonic():
                answer = requests.get(
                    f"{self.api}/cgi-bin/token",
                    params={
                        "grant_type": "client_credential",
                        "appid": self.appid,
                        "secret": self.secret,
                    },
                    timeout=self.timeout,
                )
                answer.raise_for_status()
                data = answer.json()
                if "access_token" not in data:
                    raise ValueError(f"no access token: errcode {data.get('errcode')}")
                # Renewed five minutes early, so that no message goes out with a token
                # that expires on its way.
                expires = time.monotonic() + max(60, int(data.get("expires_in", 7200)) - 300)
                self._token = (data["access_token"], expires)
            return self._token[0]
