"""Issuing a station's QR code: the API's and the demo seed's one way to make one."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from runtime.config import Settings
from runtime.directory.service import Place
from services.intake.domain.codes import CodeSigner
from services.intake.store import OpinionCode


def signer_for(settings: Settings) -> CodeSigner:
    if not settings.secret_key and settings.is_production:
        raise RuntimeError("RENDA_SECRET_KEY signs the QR codes in production")
    return CodeSigner(settings.secret_key or "renda-development")


def issue_code(
    session: Session, station: Place, label: str, kind: str, created_by: str, now: datetime
) -> OpinionCode:
    code = OpinionCode(
        id=str(uuid.uuid4()),
        station_id=station.id,
        station_path=station.path,
        tenant=station.path.strip("/").split("/")[1],
        label=label,
        contact_point_kind=kind,
        created_by=created_by,
        created_at=now,
        revoked_at=None,
    )
    session.add(code)
    return code
