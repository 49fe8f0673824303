"""A webhook receiver that checks each request with the `standardwebhooks` package."""

from __future__ import annotations

from standardwebhooks import Webhook, WebhookVerificationError

from tests.support.fakes.http import Answer, FakeServer, Request, Responder, scripted


class WebhookReceiver:
    """Answers per `respond` (200 by default); keeps what verified against `secret`."""

    def __init__(self, secret: str, respond: Responder | None = None, delay: float = 0) -> None:
        self.secret = secret
        self.answer = respond or scripted()
        self.verified: list[tuple[str, dict]] = []
        self.forged = 0
        self.server = FakeServer(self._respond, delay=delay).start()

    def _respond(self, request: Request) -> Answer:
        try:
            payload = Webhook(self.secret).verify(request.body, request.headers)
        except WebhookVerificationError:
            self.forged += 1
            return 400, {}
        status, body = self.answer(request)
        if status < 300:
            self.verified.append((request.headers["webhook-id"], payload))
        return status, body

    @property
    def url(self) -> str:
        return self.server.url + "/hook"

    @property
    def attempts(self) -> int:
        return len(self.server.requests)

    def distinct(self) -> dict[str, dict]:
        """Accepted messages by webhook-id: what a receiver that drops replays keeps."""
        return dict(self.verified)

    def stop(self) -> None:
        self.server.stop()
