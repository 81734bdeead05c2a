"""Official documents (公文, docs/domain.md §9): the generic typed model every process renders through, and a
document's place in the process that issued it (draft until a leader signs it, then issued)."""

from datetime import date, datetime
from enum import StrEnum

from pydantic import Field

from models.base import Frozen


class DocumentKind(StrEnum):
    RECTIFICATION_ORDER = "rectification_order"  # 整改指令书
    LISTING_NOTICE = "listing_notice"  # 挂牌督办通知书
    URGING_LETTER = "urging_letter"  # 督办函
    CIRCULAR = "circular"  # 通报
    INTERVIEW_NOTICE = "interview_notice"  # 约谈通知书
    INTERVIEW_MINUTES = "interview_minutes"  # 约谈纪要
    RAISE_LISTING = "raise_listing"  # 提级督办通知书
    JOINT_PUNISHMENT = "joint_punishment"  # 联合惩戒告知书
    ACCOUNTABILITY_REFERRAL = "accountability_referral"  # 移交问责函 (with the case file)
    VERIFICATION_OPINION = "verification_opinion"  # 验收意见
    CLOSEOUT_NOTICE = "closeout_notice"  # 销号通知
    CLOSEOUT_ANNOUNCEMENT = "closeout_announcement"  # 销号公告 (public)
    LISTING_ANNOUNCEMENT = "listing_announcement"  # 挂牌督办公告 (public)
    TOUR_REPORT = "tour_report"  # 巡查报告 (inspection tours)
    TOUR_FEEDBACK = "tour_feedback"  # 巡查反馈函
    DISPATCH_REPORT = "dispatch_report"  # 调度周报 (periodic reports)
    CAMPAIGN_ACCOUNT = "campaign_account"  # 专项整治整改阶段结账报告 (campaigns)
    CAMPAIGN_SUMMARY = "campaign_summary"  # 专项整治总结评估报告
    CAMPAIGN_ANNUAL_SUMMARY = "campaign_annual_summary"  # 专项整治年度总结


KIND_ZH: dict[DocumentKind, str] = {
    DocumentKind.RECTIFICATION_ORDER: "整改指令书",
    DocumentKind.LISTING_NOTICE: "挂牌督办通知书",
    DocumentKind.URGING_LETTER: "督办函",
    DocumentKind.CIRCULAR: "通报",
    DocumentKind.INTERVIEW_NOTICE: "约谈通知书",
    DocumentKind.INTERVIEW_MINUTES: "约谈纪要",
    DocumentKind.RAISE_LISTING: "提级督办通知书",
    DocumentKind.JOINT_PUNISHMENT: "联合惩戒告知书",
    DocumentKind.ACCOUNTABILITY_REFERRAL: "移交问责函",
    DocumentKind.VERIFICATION_OPINION: "验收意见",
    DocumentKind.CLOSEOUT_NOTICE: "销号通知",
    DocumentKind.CLOSEOUT_ANNOUNCEMENT: "销号公告",
    DocumentKind.LISTING_ANNOUNCEMENT: "挂牌督办公告",
    DocumentKind.TOUR_REPORT: "巡查报告",
    DocumentKind.TOUR_FEEDBACK: "巡查反馈函",
    DocumentKind.DISPATCH_REPORT: "调度周报",
    DocumentKind.CAMPAIGN_ACCOUNT: "专项整治整改阶段结账报告",
    DocumentKind.CAMPAIGN_SUMMARY: "专项整治总结评估报告",
    DocumentKind.CAMPAIGN_ANNUAL_SUMMARY: "专项整治年度总结",
}


class Signature(Frozen):
    user_id: str
    name: str  # as printed on the document
    at: datetime


class OfficialDocument(Frozen):
    """A document laid out after GB/T 9704-2012: the issuing authority's red header (发文机关标志), the number
    (发文字号) under it, the title, the addressee (主送机关), the body, the issuing authority and date (成文日期)
    with the seal's place, and the signer (签发人) once a leader has signed it.

    Any process renders its documents from this one model (`activities.documents.DocumentActivities.render`)."""

    kind: DocumentKind
    authority: str  # 发文机关, e.g. 菏泽市安全生产委员会办公室
    authority_code: str  # its division code: who may sign it
    number: str  # 发文字号, e.g. 菏安办督〔2026〕12号
    title: str
    addressee: str  # 主送机关 (or the enterprise)
    paragraphs: tuple[str, ...]
    attachments: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (附件 title, its lines): e.g. the case file
    issued_on: date  # 成文日期
    signer: str | None = None  # 签发人, once signed
    public: bool = False  # an announcement (公告): no addressee line, meant for the public page
    subject_code: str  # the record it belongs to (a hazard code, a tour id, ...): who may read it


class DocumentStatus(StrEnum):
    DRAFT = "draft"
    ISSUED = "issued"


class IssuedDocument(Frozen):
    """One document in the process that owns it: `id` names it for the sign action, `sha256` is the stored PDF
    (the signed one once signed)."""

    id: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,120}$")
    kind: DocumentKind
    title: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    status: DocumentStatus
    needs_signature: bool
    authority_code: str
    drafted_at: datetime
    signature: Signature | None = None
    issued_at: datetime | None = None
    source: OfficialDocument  # what was rendered: re-rendered with the signer's name when signed


class RenderRequest(Frozen):
    document: OfficialDocument


class RenderReceipt(Frozen):
    """What the render activity returns (the PDF itself stays in the store, out of workflow history)."""

    sha256: str
    html_sha256: str
    pages: int
    size: int


class SignBody(Frozen):
    """`POST /documents/{id}/actions/sign`: no fields; the signer is the caller."""

    comment: str | None = Field(default=None, max_length=500)


class PublishBody(Frozen):
    """`POST /hazards/{code}/actions/publish` (公示): what is published is what is due (the listing, then the
    close-out)."""

    comment: str | None = Field(default=None, max_length=500)


class SignDocument(Frozen):
    """The `sign` Update's body: which of the workflow's documents, and an optional comment."""

    document_id: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,120}$")
    comment: str | None = Field(default=None, max_length=500)
