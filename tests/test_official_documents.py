"""Every official document of the hazard (docs/domain.md §9) rendered to PDF from a fixture, its text read
back with pypdf's own extraction: the authority, 文号, addressee, the hazard's facts, the deadline and the
signer; and a tour's report and feedback letter the same way."""

import io
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from core.official_documents import render
from domain import hazard_documents as docs
from models.clock import FiredRung
from models.documents import DocumentKind, OfficialDocument
from models.enums import Action, AuthorityLevel, HazardLevel, HazardStatus, VerifyDecision
from models.hazard import HazardState, Listing, ProjectionItem, Transition, Verification
from models.policy import RungType
from tests import factories as f

NOW = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)
DEADLINE = datetime(2026, 12, 31, 16, 0, tzinfo=UTC)  # 24:00 of 2026-12-31 in Asia/Shanghai
NUMBER = "菏安委督〔2026〕12号"


def listed_state() -> HazardState:
    listing = Listing(authority_level=AuthorityLevel.CITY, authority_code="371700", authority_name="菏泽市",
                      notice_number=NUMBER, requirements="60日内完成整改", deadline=DEADLINE, at=NOW, by=f.CITY_SUPERVISOR)
    return HazardState(code="HZ-371702-2026-000042", facts=f.facts(), reported_at=NOW, reported_by=f.INSPECTOR,
                       policy=f.DEFAULT_POLICY, status_since=NOW, status=HazardStatus.LISTED, level=HazardLevel.MAJOR,
                       listing=listing, deadline=DEADLINE, paperwork=True)


def item(state: HazardState, action: Action, seq: int = 7) -> ProjectionItem:
    transition = Transition(seq=seq, at=NOW, actor=f.CITY_SUPERVISOR, action=action, from_status=None, to_status=state.status)
    return ProjectionItem(transition=transition, state=state)


def fired(state: HazardState, rung: RungType) -> HazardState:
    return state.model_copy(update={"fired": (*state.fired, FiredRung(rung=rung, at=NOW, reason="deadline"))})


def every_document() -> list[OfficialDocument]:
    state = listed_state()
    general = state.model_copy(update={"listing": None, "level": HazardLevel.GENERAL, "status": HazardStatus.RECTIFYING})
    verified = state.model_copy(update={"status": HazardStatus.VERIFIED, "verifications": (Verification(
        decision=VerifyDecision.PASS, comment="现场核查合格", fake_rectification=False, new_deadline=None, at=NOW, by=f.COUNTY_SUPERVISOR),)})
    closed = state.model_copy(update={"status": HazardStatus.CLOSED, "closed_at": NOW, "listing_published_at": NOW})
    made = [
        *docs.documents_for(state, item(general, Action.ORDER_RECTIFICATION), NOW),
        *docs.documents_for(state, item(state, Action.LIST), NOW),
        *[d for rung in RungType for d in docs.documents_for(state, item(fired(state, rung), Action.RUNG), NOW)],
        *docs.documents_for(state, item(verified, Action.VERIFY), NOW),
        *docs.documents_for(state, item(closed, Action.CLOSE), NOW),
        *docs.documents_for(state, item(state.model_copy(update={"listing_published_at": NOW}), Action.PUBLISH), NOW),
        *docs.documents_for(closed, item(closed.model_copy(update={"closeout_published_at": NOW}), Action.PUBLISH), NOW),
    ]
    return made


def flat(pdf: bytes) -> str:
    return "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def test_every_hazard_document_kind_is_produced_by_some_transition() -> None:
    kinds = {d.kind for d in every_document()}
    hazard_kinds = set(DocumentKind) - {DocumentKind.INTERVIEW_MINUTES, DocumentKind.TOUR_REPORT, DocumentKind.TOUR_FEEDBACK,
                                        DocumentKind.DISPATCH_REPORT, DocumentKind.CAMPAIGN_ACCOUNT,
                                        DocumentKind.CAMPAIGN_SUMMARY, DocumentKind.CAMPAIGN_ANNUAL_SUMMARY}
    assert kinds == hazard_kinds


@pytest.mark.parametrize("document", every_document(), ids=lambda d: d.kind.value)
def test_each_document_renders_to_a_pdf_that_reads_back_its_facts(document: OfficialDocument) -> None:
    signed = document.model_copy(update={"signer": "李主任"})
    text = flat(render(signed).pdf)
    assert document.authority in text and document.number in text
    assert "菏泽市牡丹区示范化工有限公司" in text and "配电室未设置挡鼠板" in text
    assert "签发人：李主任" in text and "2026年11月10日" in text
    if not document.public:
        assert f"{document.addressee}：" in text
    if document.kind not in (DocumentKind.VERIFICATION_OPINION, DocumentKind.CLOSEOUT_NOTICE, DocumentKind.CLOSEOUT_ANNOUNCEMENT):
        assert "2026-12-31" in text  # the deadline (24:00 of its day)
    if document.kind == DocumentKind.ACCOUNTABILITY_REFERRAL:
        assert "案卷材料" in text and "挂牌督办：" + NUMBER in text  # the case file: timeline and documents
    if document.kind == DocumentKind.LISTING_NOTICE:
        assert NUMBER in text and "60日内完成整改" in text


def test_an_unsigned_draft_names_no_signer_and_the_html_escapes_what_it_is_given() -> None:
    document = every_document()[1].model_copy(update={"title": "<script>alert(1)</script>"})
    rendered = render(document)
    assert "签发人" not in flat(rendered.pdf) and "待领导签发" in flat(rendered.pdf)
    assert "<script>" not in rendered.html and "&lt;script&gt;" in rendered.html
    assert render(document).sha256 == rendered.sha256  # the same document, the same bytes: content-addressed



def test_a_tours_report_and_feedback_letter_read_back_the_committee_the_findings_the_deadline_and_the_signer() -> None:
    from datetime import date, timedelta

    from domain import tour_documents, tour_steps
    from models.tour import Finding, FindingKind, SubmitReportBody, TourClock, TourState, TourStatus
    from tests.test_tour_rules import LEADER, TEAM, tour_start

    finding = Finding(id="F1", target="371702", kind=FindingKind.PROBLEM, description="安全培训走过场", at=NOW, by=LEADER)
    state = TourState(start=tour_start(date(2026, 12, 1), date(2026, 12, 5)), workflow_id="w", created_at=NOW, team=TEAM,
                      status=TourStatus.REPORTING, findings=(finding,))
    spec = tour_steps.render_report(state, SubmitReportBody(summary="总体情况良好", proposals="加强隐患排查治理"), LEADER, NOW)
    report = tour_documents.report_source(state, spec, NOW).model_copy(update={"signer": "李主任"})
    text = flat(render(report).pdf)
    assert report.kind == DocumentKind.TOUR_REPORT and report.authority_code == "371700"
    assert "菏泽市安全生产委员会" in text and report.number in text and state.id in text
    assert "安全培训走过场" in text and "加强隐患排查治理" in text and "签发人：李主任" in text
    clock = TourClock(due_at=datetime(2027, 2, 10, 16, 0, tzinfo=UTC))
    state = state.model_copy(update={"status": TourStatus.REPORT_APPROVED})
    letter_spec = tour_steps.render_feedback(state, "371702", clock, NOW + timedelta(days=1))
    letter = tour_documents.feedback_source(state, letter_spec, 0, NOW + timedelta(days=1))
    text = flat(render(letter).pdf)
    assert letter.kind == DocumentKind.TOUR_FEEDBACK and letter.addressee == "牡丹区" and "牡丹区：" in text
    assert letter.number in text and "安全培训走过场" in text and "2027-02-10" in text  # the rectification report's day
