"""A fake SMS gateway speaking notify's provider-neutral JSON (services/notify/channels/sms.py)."""

from __future__ import annotations

from tests.support.fakes.http import FakeServer, Request, scripted


def sms_gateway(*statuses: int) -> FakeServer:
    """Answers 200 `{"status": "accepted"}` after the scripted statuses."""
    answer = scripted(*statuses)

    def respond(request: Request) -> tuple[int, dict]:
        status, _ = answer(request)
        return status, {"status": "accepted" if status == 200 else "error"}

    return FakeServer(respond).start()


def texts(gateway: FakeServer) -> list[dict]:
    """Every message sent to the gateway, whatever it answered."""
    return [r.json() for r in gateway.requests if r.method == "POST"]
