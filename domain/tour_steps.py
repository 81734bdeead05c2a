"""What each step of an inspection tour does (docs/domain.md §7): pure functions from (state, now) to the
projection item the workflow records, with its documents (tour report, feedback letters) and notices."""

import hashlib
from collections.abc import Mapping
from datetime import date, datetime, timedelta

from domain.documents import day_text
from models.actors import Actor, system_actor
from models.base import china_date, end_of_day
from models.clock import DocumentSpec, Notice
from models.tour import (
    AcceptRectificationBody,
    ApproveReportBody,
    ChangeTeamBody,
    DeliverFeedbackBody,
    Finding,
    RecordFindingBody,
    RejectRectificationBody,
    SubmitRectificationBody,
    SubmitReportBody,
    TargetProgress,
    TargetStatus,
    TeamMember,
    TourAction,
    TourBody,
    TourClock,
    TourProjection,
    TourPublishBody,
    TourReport,
    TourStart,
    TourState,
    TourStatus,
    TransferClueBody,
)

A = TourAction
S = TourStatus
NATIONAL_TIP_PHONE = "12350"  # 全国安全生产举报投诉电话


def tour_document(kind: str, title: str, content: str) -> DocumentSpec:
    """Every document a tour issues goes through here: content and its SHA-256 (the seam where the official
    documents' PDF rendering takes over)."""
    return DocumentSpec(kind=kind, title=title, content=content, sha256=hashlib.sha256(content.encode()).hexdigest())


def stationing_at(start: TourStart) -> datetime:
    """00:00 Asia/Shanghai of the start date."""
    return end_of_day(start.starts_on - timedelta(days=1))


def ending_at(start: TourStart) -> datetime:
    """24:00 Asia/Shanghai of the end date."""
    return end_of_day(start.ends_on)


def report_period_start(start: TourStart) -> datetime:
    """The instant the report's working days count from: the last second of the end date."""
    return ending_at(start) - timedelta(seconds=1)


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has no such day)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def rectification_due(state: TourState, now: datetime) -> datetime:
    """24:00 of the day `rectification_months` calendar months after the feedback day."""
    return end_of_day(add_months(china_date(now), state.start.rules.rectification_months))


# --- the first step and the system steps --------------------------------------------------------------


def planned(state: TourState) -> TourProjection:
    start = state.start
    after = state.model_copy(update={"seq": 1})
    comment = (f"{start.organizer.name}安委会{('全面' if start.kind == 'comprehensive' else '专项')}巡查："
               f"{'、'.join(t.name for t in start.targets)}，{start.starts_on}至{start.ends_on}")
    notices = tuple(_authority(t.region_code, "tour", f"巡查通知：{start.title}",
                               f"{start.organizer.name}安委会将于 {start.starts_on} 至 {start.ends_on} 对{t.name}开展安全生产巡查。")
                    for t in start.targets)
    return TourProjection(seq=1, at=state.created_at, actor=start.created_by, action=A.PLAN, from_status=None,
                          to_status=after.status, comment=comment, notices=notices, state=after)


def stationed(state: TourState, now: datetime) -> TourProjection:
    start = state.start
    phone = start.tip_phone or NATIONAL_TIP_PHONE
    mailbox = start.tip_mailbox or f"举报请注明巡查编号 {start.id}"
    announcement = (f"{start.organizer.name}安委会巡查组自 {start.starts_on} 起进驻{'、'.join(t.name for t in start.targets)}，"
                    f"至 {start.ends_on}。巡查内容：{'；'.join(start.focus)}。举报电话：{phone}；举报邮箱：{mailbox}；"
                    f"网上举报请注明巡查编号 {start.id}。")
    notices = tuple(_authority(t.region_code, "tour", f"巡查组进驻：{start.title}", announcement) for t in start.targets)
    changes = {"status": S.INSPECTING, "stationed_at": now, "announcement": announcement}
    return _step(state, system_actor("tour_stationing"), A.STATION, changes, announcement, now, notices=notices,
                 reason="stationing")


def ended(state: TourState, now: datetime) -> TourProjection:
    """24:00 of the end date: the report is due (its clock was planned with the plan)."""
    due = state.report_clock.due_at if state.report_clock else None
    comment = f"巡查结束，巡查报告应于 {day_text(due)} 前形成"
    return _step(state, system_actor("tour_end"), A.END, {"status": S.REPORTING}, comment, now, reason="tour_end")


def report_reminder(state: TourState, now: datetime) -> TourProjection:
    clock = state.report_clock
    assert clock is not None
    title = f"巡查报告将于 {day_text(clock.due_at)} 到期：{state.start.title}"
    notices = (_authority(state.start.organizer.code, "reminder", title, title), *_leader_notices(state, "reminder", title))
    changes = {"report_clock": clock.model_copy(update={"reminders_sent": clock.reminders_sent + 1})}
    return _step(state, system_actor("reminder:report"), A.REMINDER, changes, title, now, notices=notices,
                 reason="reminder:report")


def report_lapsed(state: TourState, now: datetime) -> TourProjection:
    """A government-side lapse: the report was not formed in time; the office and its superior are told."""
    clock = state.report_clock
    assert clock is not None
    title = f"巡查报告逾期未形成（期限 {day_text(clock.due_at)}）：{state.start.title}"
    codes = [state.start.organizer.code]
    if len(state.start.organizer_path) > 1:
        codes.append(state.start.organizer_path[-2].code)
    notices = tuple(_authority(code, "overdue", title, title) for code in codes)
    changes = {"report_clock": clock.model_copy(update={"lapsed": True})}
    return _step(state, system_actor("deadline:report"), A.DEADLINE_MISSED, changes, title, now, notices=notices,
                 reason="deadline:report")


def rectification_reminder(state: TourState, key: str, now: datetime) -> TourProjection:
    progress = state.progress_of(key)
    assert progress is not None and progress.clock is not None
    title = f"巡查整改情况将于 {day_text(progress.clock.due_at)} 到期：{key}"
    notices = _target_and_organizer(state, key, ("reminder", "reminder"), title)
    clock = progress.clock.model_copy(update={"reminders_sent": progress.clock.reminders_sent + 1})
    return _step(state, system_actor("reminder:rectification"), A.REMINDER,
                 {"progress": _replace(state, key, clock=clock)}, title, now, notices=notices,
                 reason="reminder:rectification")


def rectification_overdue(state: TourState, key: str, interview_id: str, now: datetime) -> TourProjection:
    """The target did not report within the period: flagged overdue, and its responsible person interviewed."""
    progress = state.progress_of(key)
    assert progress is not None and progress.clock is not None
    title = f"巡查对象 {key} 逾期未报送整改情况，约谈其负责人（{interview_id}）"
    notices = _target_and_organizer(state, key, ("interview", "overdue"), title)
    changes = {"progress": _replace(state, key, clock=progress.clock.model_copy(update={"lapsed": True}),
                                    interviews=(*progress.interviews, interview_id)),
               "interviews_started": state.interviews_started + 1}
    return _step(state, system_actor("deadline:rectification"), A.RECTIFICATION_OVERDUE, changes, title, now,
                 notices=notices, reason="deadline:rectification")


def interview_outcome(state: TourState, interview_id: str, kind: str, now: datetime) -> TourProjection:
    """An interview the tour started has ended: its outcome (a no-show too) is recorded on the target."""
    key = next((p.key for p in state.progress if interview_id in p.interviews), None)
    changes: Mapping[str, object] = {}
    if key is not None:
        progress = state.progress_of(key)
        assert progress is not None
        changes = {"progress": _replace(state, key, interview_outcomes=(*progress.interview_outcomes, f"{interview_id}:{kind}"))}
    comment = f"约谈 {interview_id} 结束：{kind}" + (f"（{key}）" if key else "")
    return _step(state, system_actor(f"interview:{kind}"), A.INTERVIEW_OUTCOME, changes, comment, now,
                 reason=f"interview:{kind}")


# --- human steps ----------------------------------------------------------------------------------------


def apply(action: TourAction, state: TourState, actor: Actor, body: TourBody, now: datetime, *,
          members: tuple[TeamMember, ...] = (), hazard_code: str | None = None,
          clocks: Mapping[str, TourClock] | None = None, interview_id: str | None = None,
          rendered: tuple[DocumentSpec, ...] = ()) -> TourProjection:
    """Take a checked human step. `members` is a change-team's resolved team, `hazard_code` the hazard a hazard
    finding started, `clocks` each target's planned rectification clock (feedback), `interview_id` the
    interview a rejection starts, `rendered` the step's documents as the render activity stored them (PDFs;
    without them, the text documents of tours from before the official documents)."""
    documents: tuple[DocumentSpec, ...] = ()
    notices: tuple[Notice, ...] = ()
    changes: dict[str, object]
    if isinstance(body, ChangeTeamBody):
        changes = {"team": members}
        comment = "巡查组调整：" + "、".join(f"{m.display_name or m.username}({m.role.value})" for m in members)
    elif isinstance(body, RecordFindingBody):
        finding = Finding(id=f"F{len(state.findings) + 1}", target=body.target, kind=body.kind,
                          description=body.description, hazard_code=hazard_code, at=now, by=actor)
        changes = {"findings": (*state.findings, finding)}
        comment = f"{finding.id} [{body.kind.value}] {body.target}：{body.description}" + (f" → {hazard_code}" if hazard_code else "")
    elif isinstance(body, TransferClueBody):
        findings = tuple(f.model_copy(update={"transferred_to": body.to, "transferred_at": now}) if f.id == body.finding else f
                         for f in state.findings)
        changes = {"findings": findings}
        comment = f"线索 {body.finding} 移交 {body.to}"
    elif isinstance(body, SubmitReportBody):
        document = rendered[0] if rendered else render_report(state, body, actor, now)
        documents = (document,)
        report = TourReport(summary=body.summary, proposals=body.proposals, at=now, by=actor, document_hash=document.sha256)
        changes = {"status": S.REPORT_SUBMITTED, "report": report}
        comment = body.summary
    elif isinstance(body, ApproveReportBody):
        assert state.report is not None
        changes = {"status": S.REPORT_APPROVED,
                   "report": state.report.model_copy(update={"approved_at": now, "approved_by": actor, "comment": body.comment or None})}
        comment = body.comment or "巡查报告审定"
    elif isinstance(body, DeliverFeedbackBody):
        documents = rendered or tuple(render_feedback(state, t.key, (clocks or {})[t.key], now) for t in state.start.targets)
        progress = tuple(TargetProgress(key=t.key, status=TargetStatus.RECTIFYING, feedback_at=now, feedback_hash=d.sha256,
                                        clock=(clocks or {})[t.key]) for t, d in zip(state.start.targets, documents, strict=True))
        notices = tuple(_authority(t.region_code, "tour", d.title, d.content) for t, d in zip(state.start.targets, documents, strict=True))
        changes = {"status": S.RECTIFYING, "progress": progress}
        comment = body.comment or "巡查意见已反馈"
    elif isinstance(body, SubmitRectificationBody):
        changes = {"progress": _replace(state, body.target, status=TargetStatus.REPORTED, summary=body.summary, reported_at=now)}
        comment = f"{body.target} 报送整改情况：{body.summary}"
    elif isinstance(body, AcceptRectificationBody):
        progress = _replace(state, body.target, status=TargetStatus.ACCEPTED, accepted_at=now)
        done = all(p.status == TargetStatus.ACCEPTED for p in progress)
        changes = {"progress": progress, **({"status": S.RECTIFIED} if done else {})}
        comment = f"{body.target} 整改认可" + (f"：{body.comment}" if body.comment else "")
    elif isinstance(body, RejectRectificationBody):
        before = state.progress_of(body.target)
        assert before is not None and interview_id is not None
        changes = {"progress": _replace(state, body.target, status=TargetStatus.RECTIFYING,
                                        rejections=(*before.rejections, body.comment),
                                        interviews=(*before.interviews, interview_id)),
                   "interviews_started": state.interviews_started + 1}
        comment = f"{body.target} 整改不到位：{body.comment}；约谈其负责人（{interview_id}）"
    elif isinstance(body, TourPublishBody):
        changes = {"status": S.CLOSED, "published_at": now, "published_by": actor}
        comment = body.comment or "巡查结果已向社会公开"
    else:  # pragma: no cover - the union is exhaustive
        raise TypeError(type(body).__name__)
    return _step(state, actor, action, changes, comment, now, documents=documents, notices=notices)


# --- documents --------------------------------------------------------------------------------------------


def render_report(state: TourState, body: SubmitReportBody, actor: Actor, now: datetime) -> DocumentSpec:
    start = state.start
    lines = [f"{start.organizer.name}安全生产巡查工作报告", "", f"巡查编号：{start.id}", f"巡查名称：{start.title}",
             f"巡查对象：{'、'.join(t.name for t in start.targets)}", f"巡查时间：{start.starts_on} 至 {start.ends_on}",
             f"组长：{actor.display_name or actor.username}", "", "一、基本情况", body.summary, "", "二、发现的问题", *[
                 f"{f.id}（{f.target}，{f.kind.value}）{f.description}" + (f" 隐患编号 {f.hazard_code}" if f.hazard_code else "")
                 for f in state.findings], "", "三、意见建议", body.proposals, "", f"日期：{china_date(now).isoformat()}"]
    return tour_document("tour_report", f"巡查报告（{start.id}）", "\n".join(lines) + "\n")


def render_feedback(state: TourState, key: str, clock: TourClock, now: datetime) -> DocumentSpec:
    start = state.start
    target = state.target(key)
    name = target.name if target else key
    found = [f for f in state.findings if f.target == key]
    lines = [f"{start.organizer.name}安全生产巡查反馈意见", "", f"{name}：", "",
             f"{start.organizer.name}安委会巡查组于 {start.starts_on} 至 {start.ends_on} 对你单位开展了安全生产巡查（{start.id}）。现将巡查意见反馈如下：",
             "", "一、发现的问题", *([f"{f.id}. {f.description}" for f in found] or ["（无）"]), "", "二、整改建议",
             state.report.proposals if state.report else "—", "",
             f"请于 {day_text(clock.due_at)} 前将整改和查处情况报送{start.organizer.name}安委会办公室。", "",
             f"日期：{china_date(now).isoformat()}"]
    return tour_document("tour_feedback", f"巡查反馈意见（{start.id}，{name}）", "\n".join(lines) + "\n")


# --- helpers ------------------------------------------------------------------------------------------


def _authority(code: str, kind: str, title: str, body: str) -> Notice:
    return Notice(target_kind="authority", target_code=code, kind=kind, title=title[:300], body=body)


def _target_and_organizer(state: TourState, key: str, kinds: tuple[str, str], title: str) -> tuple[Notice, Notice]:
    """`title` to the authority of target `key`'s region (notice kind `kinds[0]`) and to the organizing committee
    (`kinds[1]`)."""
    target = state.target(key)
    return (_authority(target.region_code if target else key, kinds[0], title, title),
            _authority(state.start.organizer.code, kinds[1], title, title))


def _leader_notices(state: TourState, kind: str, title: str) -> tuple[Notice, ...]:
    codes = {m.jurisdiction_code for m in state.team if m.role == "leader" and m.jurisdiction_code}
    codes.discard(state.start.organizer.code)
    return tuple(_authority(code, kind, title, title) for code in sorted(codes))


def _replace(state: TourState, key: str, **changes: object) -> tuple[TargetProgress, ...]:
    return tuple(p.model_copy(update=changes) if p.key == key else p for p in state.progress)


def _step(before: TourState, actor: Actor, action: TourAction, changes: Mapping[str, object], comment: str | None,
          now: datetime, *, documents: tuple[DocumentSpec, ...] = (), notices: tuple[Notice, ...] = (),
          reason: str | None = None) -> TourProjection:
    after = before.model_copy(update={**changes, "seq": before.seq + 1})
    return TourProjection(seq=after.seq, at=now, actor=actor, action=action, from_status=before.status,
                          to_status=after.status, comment=comment, reason=reason, documents=documents,
                          notices=notices, state=after)
