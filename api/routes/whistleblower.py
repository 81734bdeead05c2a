"""Whistleblower reports (举报): the public files one with no account and follows it by receipt; an inspector
screens it into a hazard; only a whistleblower officer may read the reporter's contact.

Thin wrappers over `services/whistleblower.py`, which the web UI's intake screens call too.
"""

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse
from pydantic import Field

from api.client_address import client_address
from api.deps import CurrentUser, PoliciesDep, SessionDep, SettingsDep, TemporalDep
from services import whistleblower
from services.whistleblower import PublicReport, PublicStatus, Receipt, ReceiptLookup, ReportOut, ScreenBody
from services.whistleblower_schemas import ContactOut
from store.reports import IMAGE_SIGNATURES

public = APIRouter(prefix="/public/reports", tags=["public"])
staff = APIRouter(prefix="/whistleblower", tags=["whistleblower"])


@public.post("", response_model=Receipt, status_code=201)
def file_report(body: PublicReport, request: Request, session: SessionDep, settings: SettingsDep) -> Receipt:
    """File a report with no account. Keep the receipt: it is the only way to follow the report."""
    return whistleblower.file_report(
        session, settings, body, limiter=request.app.state.public_report_limiter, address=client_address(request)
    )


@public.post("/lookup", response_model=PublicStatus)
def report_status(body: ReceiptLookup, request: Request, session: SessionDep) -> PublicStatus:
    """The status and public outcome of a report, for whoever holds its receipt; nothing else. The receipt is
    sent in the body, never in the URL (no GET by receipt: paths end up in logs and browser history)."""
    return whistleblower.report_status(
        session, body.receipt, limiter=request.app.state.public_status_limiter, address=client_address(request)
    )


@staff.get("/reports", response_model=list[ReportOut])
def list_reports(
    session: SessionDep, principal: CurrentUser, status: str | None = None, tour_id: str | None = None
) -> list[ReportOut]:
    """Reports for screening in the caller's jurisdiction (and those with no region). Never the contact."""
    return whistleblower.list_reports(session, principal, status, tour_id)


@staff.get("/photos/{sha256}", response_class=FileResponse,
           responses={200: {"content": {media: {} for media in (*IMAGE_SIGNATURES.values(), "application/octet-stream")}}})
def report_photo(sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")], session: SessionDep, principal: CurrentUser, settings: SettingsDep) -> FileResponse:
    path, media = whistleblower.photo_file(settings, principal, sha256)
    return FileResponse(path, media_type=media, headers={"X-Content-Type-Options": "nosniff"})


@staff.post("/reports/{report_id}/screen", response_model=ReportOut)
def screen_report(
    report_id: str, body: ScreenBody, session: SessionDep, principal: CurrentUser, settings: SettingsDep,
    client: TemporalDep, policies: PoliciesDep,
) -> ReportOut:
    """Record the report as a hazard (source `whistleblower`, nothing that identifies the reporter) or reject it."""
    return whistleblower.screen_report(session, principal, settings, client, policies, report_id, body)


@staff.get("/reports/{report_id}/contact", response_model=ContactOut)
def reporter_contact(report_id: str, session: SessionDep, principal: CurrentUser, settings: SettingsDep) -> ContactOut:
    """The reporter's contact, to a whistleblower officer only; every reading is audited (without the contact)."""
    return ContactOut(contact=whistleblower.reporter_contact(session, principal, settings, report_id))
