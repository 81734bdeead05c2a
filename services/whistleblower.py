"""Whistleblower reports (举报) as both doors see them: filing one with no account and following it by receipt,
the screeners' list, screening a report into a hazard, the report's photos, and the reporter's contact.

Nothing that could identify the reporter travels further than it must: the receipt is looked up from a POST body
(never a URL), photos are kept without their metadata (`security/image_metadata.py`), and a hazard screened from
a report is discovered on the day of receipt, not at its instant.

`api/routes/whistleblower.py` (`/public/reports`, `/whistleblower/...`) and the web UI's intake screens call
these. Only a whistleblower officer may read the reporter's contact, and every reading is audited.
"""

import binascii
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlmodel import Session
from temporalio.client import Client

from core.db import as_utc
from core.logging import get_logger
from core.policies import PolicyRegistry
from core.settings import Settings
from models.base import china_date, when
from models.enums import Role, Source
from models.tables import AdminAudit, WhistleblowerReport
from security.contact_cipher import contact_cipher
from security.image_metadata import UnreadableImage
from security.throttle import RateLimiter, retry_after
from services import hazards as services
from services.errors import not_found, refused, role_refused
from services.principal import Principal
from services.schemas import USCC, HazardCreate, RegionCode
from store import reference, reports

log = get_logger("duban.whistleblower")
SCREENERS = {Role.INSPECTOR, Role.SUPERVISOR, Role.WHISTLEBLOWER_OFFICER}


class PublicReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: Annotated[str, Field(min_length=1, max_length=5_000)]
    location: Annotated[str, Field(min_length=1, max_length=500)]
    region_code: RegionCode | None = None
    photos: Annotated[list[str], Field(max_length=3, description="JPEG or PNG images, base64 (≤ 2 MB each)")] = []
    contact: Annotated[str, Field(max_length=200)] | None = None
    tour_id: Annotated[str, Field(max_length=40, description="a tip to an inspection tour (巡查举报): its id")] | None = None


LOOKUP_URL = "/api/v1/public/reports/lookup"


class Receipt(BaseModel):
    receipt: Annotated[str, Field(description="the only way to follow the report: keep it secret")]
    lookup_url: Annotated[str, Field(description="POST `{\"receipt\": ...}` here for the report's status; "
                                                 "a receipt never goes in a URL")] = LOOKUP_URL


class ReceiptLookup(BaseModel):
    model_config = ConfigDict(extra="forbid")

    receipt: Annotated[str, Field(min_length=1, max_length=100)]


class PublicStatus(BaseModel):
    status: str
    public_outcome: str
    received_at: datetime


class ReportOut(BaseModel):
    id: str
    description: str
    location: str
    region_code: str | None
    photos: list[str]
    status: str
    public_outcome: str
    hazard_code: str | None
    received_at: datetime
    has_contact: bool
    tour_id: str | None = None  # the inspection tour the tip was sent to


class ScreenBody(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"allOf": [when(
        "decision", "hazard",
        {"required": ["title", "description", "enterprise_uscc", "region_code", "industry"],
         "properties": {"title": {"type": "string", "minLength": 1}, "industry": {"type": "string", "minLength": 1},
                        "description": {"type": "string", "minLength": 1},
                        "enterprise_uscc": {"type": "string"}, "region_code": {"type": "string"}}},
    )]})

    decision: Literal["hazard", "reject"]
    public_outcome: Annotated[str, Field(max_length=2_000)] = ""
    title: Annotated[str, Field(max_length=200)] | None = None
    description: Annotated[str, Field(max_length=4_000, description=(
        "what the enterprise will read, in the screener's words (required to record a hazard): the tipster's "
        "own words stay sealed with the report"))] | None = None
    enterprise_uscc: USCC | None = None
    region_code: RegionCode | None = None
    industry: Annotated[str, Field(max_length=100)] | None = None

    @model_validator(mode="after")
    def _what_a_hazard_needs(self) -> "ScreenBody":
        if self.decision == "hazard" and not (self.title and self.description and self.description.strip()
                                              and self.enterprise_uscc and self.region_code and self.industry):
            raise ValueError("title, description, enterprise_uscc, region_code and industry are needed to record a hazard")
        if self.decision == "reject" and not self.public_outcome.strip():
            raise ValueError("public_outcome: tell the reporter why the report is not taken up")
        return self


# --- the public: filing a report and following it by receipt ------------------------------------------------------


def file_report(
    session: Session, settings: Settings, body: PublicReport, *, limiter: RateLimiter, address: str
) -> Receipt:
    """File a report with no account (at most the limiter's allowance per client address); the receipt is the
    only way to follow it."""
    wait = limiter.hit(session, address)
    if wait is not None:
        raise refused(429, "too_many_reports", headers={"Retry-After": retry_after(wait)})
    region_path = _queue(session, settings)
    if body.region_code is not None:
        region = reference.get_jurisdiction(session=session, code=body.region_code)
        if region is None:
            raise refused(422, "unknown_region", region=body.region_code)
        region_path = region.path
    if body.tour_id is not None:  # the tour's: its team and the organizer's office screen it, never a target
        region_path = _tour_tip(session, body.tour_id)
    photos = [_stored_photo(settings.data_dir, index, text) for index, text in enumerate(body.photos)]
    sealed = contact_cipher(settings).seal(body.contact) if body.contact else None
    report, receipt = reports.receive(
        session=session, description=body.description, location=body.location, region_code=body.region_code,
        region_path=region_path, photos=photos, contact_sealed=sealed, tour_id=body.tour_id,
    )
    session.commit()
    log.info("whistleblower report received", report_id=report.id, photos=len(photos))
    return Receipt(receipt=receipt, lookup_url=LOOKUP_URL)


def _queue(session: Session, settings: Settings) -> str | None:
    """Where a tip naming no region is screened: the configured jurisdiction's queue."""
    queue = reference.get_jurisdiction(session=session, code=settings.whistleblower_queue)
    return queue.path if queue is not None else None


def _tour_tip(session: Session, tour_id: str) -> str:
    """A tip to an inspection tour: the tour must be stationed (its tip line published) and not yet over. It lies
    with the organizer's office (the jurisdiction the tipster named is kept as data only): the inspected
    jurisdictions below it neither list, screen nor open it."""
    from store import tours

    row = tours.get_row(session=session, tour_id=tour_id)
    if row is None or row.status not in ("inspecting", "reporting"):
        raise refused(422, "unknown_tour", "tour_id", tour_id=tour_id)
    return row.organizer_path


def my_tours(session: Session, principal: Principal) -> tuple[str, ...]:
    """The tours whose team the caller is in: their tips are the caller's to screen."""
    from domain.tour import is_member
    from store import tours

    return tuple(row.id for row in tours.list_rows(session=session) if is_member(tours.state_of(row), principal.actor))


def _stored_photo(data_dir: Path, index: int, text: str) -> str:
    try:
        data = reports.decode_photo(text)
    except (binascii.Error, ValueError):
        raise refused(422, "invalid_photo", index=index, problem="not valid base64") from None
    problem = reports.photo_problem(data)
    if problem:
        raise refused(422, "invalid_photo", index=index, problem=problem)
    try:
        return reports.store_photo(data_dir / "whistleblower", data)
    except UnreadableImage as error:
        raise refused(422, "invalid_photo", index=index, problem=error) from None


def report_status(session: Session, receipt: str, *, limiter: RateLimiter, address: str) -> PublicStatus:
    """The status and public outcome of a report, for whoever holds its receipt; nothing else. The receipt comes
    in a request body (`POST /public/reports/lookup`), never in a URL, so no proxy, browser history or access
    log keeps it."""
    wait = limiter.hit(session, address)
    if wait is not None:
        raise refused(429, "too_many_requests", headers={"Retry-After": retry_after(wait)})
    report = reports.by_receipt(session=session, receipt=receipt)
    if report is None:
        raise refused(404, "not_found", "receipt", what_zh="该回执对应的举报", what="report has this receipt")
    return PublicStatus(status=report.status, public_outcome=report.public_outcome, received_at=as_utc(report.received_at))  # type: ignore[arg-type]


# --- staff: screening ------------------------------------------------------------------------------------------------


def _screener(principal: Principal) -> None:
    if principal.actor.role not in SCREENERS:
        raise role_refused(principal.actor.role, SCREENERS, "handle whistleblower reports", "处理举报")


def _report(session: Session, principal: Principal, report_id: str) -> WhistleblowerReport:
    report = session.get(WhistleblowerReport, report_id)
    if report is None or not _may_handle(session, principal, report):
        raise not_found("whistleblower_report", report_id)
    return report


def _may_handle(session: Session, principal: Principal, report: WhistleblowerReport) -> bool:
    """A report is its jurisdiction's staff's (a tour's tip: the team's and the organizer's office's)."""
    if principal.scope.everything:
        return True
    if report.tour_id is not None and report.tour_id in my_tours(session, principal):
        return True
    path = principal.scope.path
    return bool(path and report.region_path and report.region_path.startswith(path))


def out(report: WhistleblowerReport) -> ReportOut:
    return ReportOut(
        id=report.id, description=report.description, location=report.location, region_code=report.region_code,
        photos=json.loads(report.photos_json), status=report.status, public_outcome=report.public_outcome,
        hazard_code=report.hazard_code, received_at=as_utc(report.received_at),  # type: ignore[arg-type]
        has_contact=report.contact_sealed is not None, tour_id=report.tour_id,
    )


def list_reports(
    session: Session, principal: Principal, status: str | None = None, tour_id: str | None = None
) -> list[ReportOut]:
    """Reports for screening in the caller's jurisdiction (and those with no region), and the tips to the tours
    whose team the caller is in (`tour_id` keeps one tour's). Never the contact."""
    _screener(principal)
    rows = reports.for_staff(session=session, path=principal.scope.path, status=status,
                             tour_ids=my_tours(session, principal), tour_id=tour_id)
    return [out(r) for r in rows]


def photo_file(settings: Settings, principal: Principal, sha256: str) -> tuple[Path, str]:
    """A report's photo for a screener: its file and its media type (from the file's first bytes)."""
    _screener(principal)
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise refused(422, "invalid_id")
    path = settings.data_dir / "whistleblower" / sha256
    if not path.exists():
        raise not_found("photo", sha256)
    data = path.read_bytes()[:8]
    media = next((m for magic, m in reports.IMAGE_SIGNATURES.items() if data.startswith(magic)), "application/octet-stream")
    return path, media


def screen_report(
    session: Session, principal: Principal, settings: Settings, client: Client, policies: PolicyRegistry,
    report_id: str, body: ScreenBody,
) -> ReportOut:
    """Record the report as a hazard (source `whistleblower`, nothing that identifies the reporter: discovered on
    the day of receipt, not at its instant) or reject it."""
    deciders = {Role.INSPECTOR, Role.SUPERVISOR}
    if principal.actor.role not in deciders:
        raise role_refused(principal.actor.role, deciders, "screen whistleblower reports", "甄别举报")
    report = _report(session, principal, report_id)
    if report.status != "received":
        raise refused(409, "already_screened")
    if body.decision == "reject":
        reports.screened(report=report, status="rejected", outcome=body.public_outcome, by=principal.user.username)
        session.commit()
        return out(report)
    hazard = HazardCreate(
        title=body.title or "", description=body.description or "", enterprise_uscc=body.enterprise_uscc or "",
        region_code=body.region_code or "", industry=body.industry or "", location=report.location,
        source=Source.WHISTLEBLOWER, discovered_at=received_on(report),
    )
    reported = services.report_hazard(
        session=session, principal=principal, body=hazard, settings=settings, client=client, policies=policies,
        idempotency_key=f"whistleblower-{report.id}",
    )
    outcome = body.public_outcome or "已受理，登记为事故隐患并督办整改。"
    reports.screened(report=report, status="hazard", outcome=outcome, by=principal.user.username, hazard_code=reported.code)
    session.commit()
    return out(report)


def received_on(report: WhistleblowerReport) -> date:
    """The day (Asia/Shanghai) a report came in: what a hazard screened from it records as discovered (00:00 of
    that day), never the instant of receipt, which could be matched against who was where when."""
    return china_date(as_utc(report.received_at) or datetime.now(UTC))


def reporter_contact(session: Session, principal: Principal, settings: Settings, report_id: str) -> str | None:
    """The reporter's contact, to a whistleblower officer only; every reading is audited (without the contact)."""
    if principal.actor.role != Role.WHISTLEBLOWER_OFFICER:
        raise role_refused(principal.actor.role, {Role.WHISTLEBLOWER_OFFICER}, "read a reporter's contact", "查看举报人联系方式")
    report = _report(session, principal, report_id)
    contact = contact_cipher(settings).open(report.contact_sealed) if report.contact_sealed else None
    session.add(AdminAudit(at=datetime.now(UTC), actor_id=principal.user.id, actor_name=principal.user.username,
                           action="whistleblower.contact.read", subject=report.id, details_json="{}"))
    session.commit()
    return contact
