"""The interview's official documents (docs/domain.md §6 and §9): the notice (约谈通知书) once the time and place
are set, and the minutes (约谈纪要) once it is held. Pure; the workflow renders them in the render activity."""

from datetime import datetime

from domain.documents import day_text
from models.base import CHINA_TZ, china_date
from models.documents import DocumentKind, DocumentStatus, IssuedDocument, OfficialDocument, RenderReceipt
from models.interview import InterviewAction, InterviewState


def _base(state: InterviewState, kind: DocumentKind, now: datetime, prefix: str) -> dict[str, object]:
    start = state.start
    return {
        "kind": kind, "authority": f"{start.conducting_authority_name}安全生产委员会办公室",
        "authority_code": start.conducting_authority_code,
        "number": f"{prefix}〔{china_date(now).year}〕{start.interview_id}-{state.seq}号",
        "addressee": start.enterprise_name, "issued_on": china_date(now), "subject_code": start.hazard_code,
    }


def documents_for(action: InterviewAction, state: InterviewState, now: datetime) -> tuple[OfficialDocument, ...]:
    start = state.start
    if action == InterviewAction.SCHEDULE and state.scheduled_at is not None:
        when = state.scheduled_at.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")
        return (OfficialDocument(
            **_base(state, DocumentKind.INTERVIEW_NOTICE, now, "安办约谈"),  # type: ignore[arg-type]
            title=f"关于约谈{start.enterprise_name}主要负责人的通知",
            paragraphs=(f"因{start.reason}（隐患编号 {start.hazard_code}），决定约谈你单位主要负责人{start.interviewee}。",
                        f"约谈时间：{when}；约谈地点：{state.place}。请本人参加，不得委托他人；约谈前提交书面材料（基本情况、原因分析、整改措施）。"),
        ),)
    if action == InterviewAction.RECORD and state.attended:
        commitments = [f"{c.text}（{c.due.isoformat()} 前）" for c in state.commitments]
        return (OfficialDocument(
            **_base(state, DocumentKind.INTERVIEW_MINUTES, now, "安办纪要"),  # type: ignore[arg-type]
            title=f"约谈{start.enterprise_name}主要负责人纪要",
            paragraphs=(f"约谈事由：{start.reason}（隐患编号 {start.hazard_code}）。参加人员：{'、'.join(state.attendees) or start.interviewee}。",
                        f"纪要：{state.minutes}",
                        f"承诺事项：{'；'.join(commitments) or '无'}。书面整改回复期限：{day_text(state.reply_due)}。"),
        ),)
    return ()


def issued(state: InterviewState, source: OfficialDocument, receipt: RenderReceipt, now: datetime) -> InterviewState:
    document = IssuedDocument(
        id=f"{state.start.interview_id}-{source.kind.value}-{len(state.documents) + 1}", kind=source.kind,
        title=source.title, sha256=receipt.sha256, status=DocumentStatus.ISSUED, needs_signature=False,
        authority_code=source.authority_code, drafted_at=now, issued_at=now, source=source,
    )
    return state.model_copy(update={"documents": (*state.documents, document)})
