"""The read model (SQLModel tables). Temporal holds the truth; these rows serve lists, filters and reports.

Workflow code never imports this module.
"""

from datetime import datetime

from sqlalchemy import Column, Float, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.columns import utc_column as _utc_column


class Jurisdiction(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=12)  # GB/T 2260 division code
    name: str = Field(max_length=100)
    level: str = Field(max_length=16)
    parent_code: str | None = Field(default=None, foreign_key="jurisdiction.code", max_length=12)
    path: str = Field(index=True, max_length=200)  # "370000/371700/371702/": root first, for subtree filters


class Enterprise(SQLModel, table=True):
    uscc: str = Field(primary_key=True, max_length=18)  # 统一社会信用代码
    name: str = Field(max_length=200)
    region_code: str = Field(foreign_key="jurisdiction.code", index=True, max_length=12)
    principal: str = Field(max_length=100)  # 主要负责人
    industry: str = Field(default="", max_length=100)


class User(SQLModel, table=True):
    __tablename__ = "app_user"

    id: str = Field(primary_key=True, max_length=36)
    username: str = Field(unique=True, index=True, max_length=100)
    display_name: str = Field(default="", max_length=100)
    password_hash: str = Field(max_length=200)
    role: str = Field(max_length=30)
    jurisdiction_code: str | None = Field(default=None, foreign_key="jurisdiction.code", max_length=12)
    enterprise_uscc: str | None = Field(default=None, foreign_key="enterprise.uscc", max_length=18)
    disabled: bool = False
    unit: str | None = Field(default=None, max_length=200)  # 工作单位, for the tours' 回避 rules
    # Tokens issued at or before this instant are refused (sign-out, password reset); None: no cut-off yet.
    tokens_valid_after: datetime | None = Field(default=None, sa_column=_utc_column())
    # Notifications that leave the building (migration 0016): where mail goes, and what the user chose.
    email: str | None = Field(default=None, max_length=254)
    notify_email: bool = True  # mail each notification (or the digest) when the user has an email
    daily_digest: bool = False  # one mail a day instead of one per notification


class HazardRow(SQLModel, table=True):
    __tablename__ = "hazard"
    __table_args__ = (
        Index("ix_hazard_status_deadline", "status", "deadline"),
        # Covering the board's counts and the dashboard's figures, so they never read the rows themselves (whose
        # later columns sit past the state document). The first leads with `status`, so SQLite prefers it to
        # ix_hazard_status_deadline even before ANALYZE. Migration 0007; bench/RESULTS.md has the times.
        Index("ix_hazard_status_region", "status", "region_path"),
        Index("ix_hazard_dashboard", "reported_at", "region_path", "industry", "status", "listing_level", "overdue",
              "escalation_rung", "deadline", "code"),
        # the reporting cadence: the figures by level and source and the close-out times, covered too
        # (migration 0013)
        Index("ix_hazard_figures", "reported_at", "region_path", "industry", "level", "source", "status", "listing_level",
              "overdue", "escalation_rung", "deadline", "closed_at", "code"),
    )

    code: str = Field(primary_key=True, max_length=40)
    workflow_id: str = Field(max_length=60)
    status: str = Field(index=True, max_length=30)
    level: str | None = Field(default=None, index=True, max_length=10)
    title: str = Field(max_length=200)
    region_code: str = Field(index=True, max_length=12)
    region_path: str = Field(index=True, max_length=200)
    enterprise_uscc: str = Field(index=True, max_length=18)
    enterprise_name: str = Field(max_length=200)
    industry: str = Field(max_length=100)
    source: str = Field(max_length=30)
    listing_level: str | None = Field(default=None, max_length=10)
    listing_authority_code: str | None = Field(default=None, max_length=12)
    deadline: datetime | None = Field(default=None, sa_column=_utc_column())
    overdue: bool = Field(default=False, index=True)
    reported_at: datetime = Field(sa_column=_utc_column(nullable=False, index=True))
    updated_at: datetime = Field(sa_column=_utc_column(nullable=False))
    closed_at: datetime | None = Field(default=None, sa_column=_utc_column())
    last_seq: int = 0
    state_json: str = Field(sa_column=Column(Text, nullable=False))  # the workflow state after last_seq
    deadline_provisional: bool = False
    paused: bool = False
    published_at: datetime | None = Field(default=None, sa_column=_utc_column(index=True))  # the listing's 公示
    escalation_rung: str | None = Field(default=None, max_length=40)
    policy: str | None = Field(default=None, max_length=60)  # profile name@version
    campaign_id: str | None = Field(default=None, index=True, max_length=40)  # the campaign it is tagged with (0012)
    tour_id: str | None = Field(default=None, index=True, max_length=40)  # the inspection tour that found it


class AuditEntry(SQLModel, table=True):
    """One step of one record of any process (a hazard, an interview, a campaign, a tour, a circular, a report),
    appended in the same transaction as the record's row; each record's rows form one hash chain."""

    __tablename__ = "audit_entry"
    __table_args__ = (
        UniqueConstraint("record_kind", "record_id", "seq", name="uq_audit_record_seq"),
        Index("ix_audit_record_id_status_at", "record_id", "to_status", "at"),  # the dashboard's last completion
        Index("ix_audit_record_id_action", "record_id", "action"),  # and its rungs per hazard
        # the same two aggregated over all hazards at once (the dashboard on PostgreSQL)
        Index("ix_audit_status_record_at", "to_status", "record_id", "at"),
        Index("ix_audit_action_record", "action", "record_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    record_kind: str = Field(default="hazard", index=True, max_length=20)  # hazard | interview | campaign | tour | ...
    record_id: str = Field(index=True, max_length=80)  # the hazard's code, the tour's id, ...
    seq: int
    at: datetime = Field(sa_column=_utc_column(nullable=False))  # workflow time of the step
    actor_id: str = Field(max_length=36)
    actor_name: str = Field(max_length=100)
    actor_role: str = Field(max_length=30)
    action: str = Field(max_length=40)
    from_status: str | None = Field(default=None, max_length=30)
    to_status: str = Field(max_length=30)
    comment: str | None = Field(default=None, sa_column=Column(Text))
    transition_json: str = Field(sa_column=Column(Text, nullable=False))
    document_hash: str | None = Field(default=None, max_length=64)
    policy: str | None = Field(default=None, max_length=60)
    reason: str | None = Field(default=None, max_length=100)  # the system actor's clock, reminder or rung
    # How the row's hash was computed: 1, rows sealed before every process shared the trail (the record's id
    # hashed as the hazard code, its kind not hashed); 2, the kind and id both hashed.
    chain_version: int = Field(default=2, sa_column_kwargs={"server_default": "1"})
    prev_hash: str = Field(default="", max_length=64)  # the record's previous row's hash (genesis: 64 zeros)
    row_hash: str = Field(default="", max_length=64)  # SHA-256 of this row's chained fields


class AuditCheckpoint(SQLModel, table=True):
    """A signed statement of every hazard's chain head at a moment, so a later rewrite can be proven."""

    __tablename__ = "audit_checkpoint"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=_utc_column(nullable=False))
    max_entry_id: int  # the newest audit row covered
    hazards: int
    rows: int
    heads_hash: str = Field(max_length=64)
    signature: str = Field(max_length=200)  # Ed25519, base64
    public_key: str = Field(max_length=100)  # base64 of the raw 32-byte key
    signed_by: str = Field(max_length=100)
    # The jurisdiction subtree it covers ("370000/371700/"; signed with the rest); None: the whole trail.
    scope_path: str | None = Field(default=None, max_length=200)


class HazardCodeCounter(SQLModel, table=True):
    """The last number given out per region and year, for readable codes like HZ-371702-2026-000001."""

    __tablename__ = "hazard_code_counter"

    region_code: str = Field(primary_key=True, max_length=12)
    year: int = Field(primary_key=True)
    value: int = 0


class IdempotencyKey(SQLModel, table=True):
    """A client's `Idempotency-Key` on POST /hazards, so a retried request returns the same hazard."""

    __tablename__ = "idempotency_key"

    user_id: str = Field(primary_key=True, max_length=36)
    key: str = Field(primary_key=True, max_length=200)
    request_hash: str = Field(max_length=64)
    hazard_code: str = Field(max_length=40)
    created_at: datetime = Field(sa_column=_utc_column(nullable=False))


class CalendarYearRow(SQLModel, table=True):
    """An admin-loaded official schedule for a year `chinese-calendar` does not cover."""

    __tablename__ = "calendar_year"

    year: int = Field(primary_key=True)
    holidays_json: str = Field(sa_column=Column(Text, nullable=False))
    workdays_json: str = Field(sa_column=Column(Text, nullable=False))
    loaded_by: str = Field(max_length=100)
    loaded_at: datetime = Field(sa_column=_utc_column(nullable=False))


class AdminAudit(SQLModel, table=True):
    """An audited administrative change (calendars, policies, users)."""

    __tablename__ = "admin_audit"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=_utc_column(nullable=False))
    actor_id: str = Field(max_length=36)
    actor_name: str = Field(max_length=100)
    action: str = Field(max_length=60)
    subject: str = Field(max_length=100)
    details_json: str = Field(sa_column=Column(Text, nullable=False))


class Notification(SQLModel, table=True):
    """An inbox row: a reminder, a rung or another notice for an enterprise or an authority."""

    __tablename__ = "notification"
    __table_args__ = (
        UniqueConstraint("record_kind", "record_id", "seq", "target_kind", "target_code", name="uq_notification_target"),
        Index("ix_notification_target", "target_kind", "target_code"),
    )

    id: int | None = Field(default=None, primary_key=True)
    record_kind: str = Field(default="hazard", max_length=20)  # the record it is about: hazard | tour | campaign | ...
    record_id: str = Field(index=True, max_length=80)
    seq: int
    at: datetime = Field(sa_column=_utc_column(nullable=False))  # workflow time
    target_kind: str = Field(max_length=20)  # enterprise | authority
    target_code: str = Field(max_length=18)  # credit code or division code
    kind: str = Field(max_length=40)  # reminder | rung | overdue | interview | ...
    title: str = Field(max_length=300)
    body: str = Field(sa_column=Column(Text, nullable=False))
    document_hash: str | None = Field(default=None, max_length=64)
    read_at: datetime | None = Field(default=None, sa_column=_utc_column())


class Document(SQLModel, table=True):
    """A rendered document (urging letter, circular, ...), stored by the SHA-256 of its content."""

    __tablename__ = "document"

    hash: str = Field(primary_key=True, max_length=64)
    record_kind: str = Field(default="hazard", max_length=20)  # the record it belongs to: who may read it
    record_id: str = Field(index=True, max_length=80)
    kind: str = Field(max_length=40)
    title: str = Field(max_length=300)
    media_type: str = Field(default="text/plain; charset=utf-8", max_length=60)
    content: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_column=_utc_column(nullable=False))
    # official documents as PDF (media_type application/pdf, `hash` its SHA-256) with their HTML view
    pdf: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    html: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class InterviewRow(SQLModel, table=True):
    """One interview (约谈): its latest projected state, for lists and the detail page."""

    __tablename__ = "interview"

    id: str = Field(primary_key=True, max_length=80)  # the interview id chosen by the parent hazard
    hazard_code: str = Field(index=True, max_length=40)
    workflow_id: str = Field(max_length=120)
    status: str = Field(index=True, max_length=20)
    enterprise_uscc: str = Field(index=True, max_length=18)
    conducting_authority_code: str = Field(max_length=12)
    region_path: str = Field(index=True, max_length=200)  # the hazard's "370000/371700/371702/"
    interviewee: str = Field(max_length=200)
    trigger: str = Field(max_length=10)  # ladder | manual
    scheduled_at: datetime | None = Field(default=None, sa_column=_utc_column())
    reply_due: datetime | None = Field(default=None, sa_column=_utc_column())
    outcome: str | None = Field(default=None, max_length=20)
    last_seq: int = 0
    updated_at: datetime = Field(sa_column=_utc_column(nullable=False))
    state_json: str = Field(sa_column=Column(Text, nullable=False))  # the workflow state after last_seq


class WhistleblowerReport(SQLModel, table=True):
    """A public report (举报). The reporter's contact is sealed; the receipt is kept only as its hash."""

    __tablename__ = "whistleblower_report"

    id: str = Field(primary_key=True, max_length=36)
    receipt_hash: str = Field(unique=True, index=True, max_length=64)
    description: str = Field(sa_column=Column(Text, nullable=False))
    location: str = Field(max_length=500)
    region_code: str | None = Field(default=None, index=True, max_length=12)
    region_path: str | None = Field(default=None, max_length=200)
    photos_json: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    contact_sealed: str | None = Field(default=None, sa_column=Column(Text))
    status: str = Field(default="received", index=True, max_length=20)  # received | hazard | rejected
    public_outcome: str = Field(default="", max_length=2000)
    hazard_code: str | None = Field(default=None, max_length=40)
    received_at: datetime = Field(sa_column=_utc_column(nullable=False))
    screened_at: datetime | None = Field(default=None, sa_column=_utc_column())
    screened_by: str | None = Field(default=None, max_length=100)
    tour_id: str | None = Field(default=None, index=True, max_length=40)  # a tip to an inspection tour


class TaskRow(SQLModel, table=True):
    """A step someone owes ("my tasks"): written by the projection with the record's row, in its transaction.

    One row per party that may take it: a role at a jurisdiction, or an enterprise. `due_sort` is `due_at`, or
    9999-12-31 when no clock runs, so the most urgent come first from the index. The indexes hold every column
    the query filters and sorts on (`action` and `excluded_user_id` too), so the page reads its rows in order and
    the count (`total`) is one scan of the index, never of the table."""

    __tablename__ = "task"
    __table_args__ = (
        Index("ix_task_staff", "role", "jurisdiction_code", "overdue", "due_sort", "record_id", "action", "excluded_user_id"),
        Index("ix_task_enterprise", "role", "enterprise_uscc", "overdue", "due_sort", "record_id", "action", "excluded_user_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    process: str = Field(max_length=20)  # hazard | interview
    record_id: str = Field(index=True, max_length=80)  # the hazard code or the interview id
    hazard_code: str = Field(max_length=40)
    action: str = Field(max_length=40)
    role: str = Field(max_length=30)
    jurisdiction_code: str | None = Field(default=None, max_length=12)
    enterprise_uscc: str | None = Field(default=None, max_length=18)
    excluded_user_id: str | None = Field(default=None, max_length=64)
    due_at: datetime | None = Field(default=None, sa_column=_utc_column())
    due_sort: datetime = Field(sa_column=_utc_column(nullable=False))
    overdue: bool = False
    title: str = Field(max_length=200)
    status: str = Field(max_length=30)


class ThrottleEvent(SQLModel, table=True):
    """One counted event of a throttle (a failed sign-in, a public report, a receipt lookup), shared by every API
    process. `key_hash` is an HMAC of the username or client address under the secret key, never the key itself;
    `at` is a Unix time. Rows older than their scope's window are pruned as new ones arrive."""

    __tablename__ = "throttle_event"
    __table_args__ = (
        Index("ix_throttle_event_key", "scope", "key_hash", "at"),
        Index("ix_throttle_event_at", "scope", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(max_length=20)  # sign_in | public_report | public_lookup
    key_hash: str = Field(max_length=64)
    at: float = Field(sa_column=Column(Float, nullable=False))


# The tables of the processes built on the hazard's (one module each), re-exported: every table is registered
# with the metadata when this module is imported.
from models.campaign_tables import CampaignRow  # noqa: E402, F401
from models.delivery_tables import Delivery, DeliveryAttempt, JurisdictionWebhook, NotificationDispatch  # noqa: E402, F401
from models.report_tables import CircularRow, PeriodicReportRow  # noqa: E402, F401
from models.tour_tables import TourRow  # noqa: E402, F401
