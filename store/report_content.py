"""What a periodic report, a ranking and a circular (通报) hold, computed from the read model by the one
definition of the figures (`store/metrics.py`), and their generation: content, document, storage, audit.

Both the schedule's activity (`activities/reports.py`) and the API (`services/reports.py`) generate through here.
"""

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from core.db import as_utc
from domain import ranking as rules
from domain import signoff
from domain.documents import day_text
from domain.report_documents import circular_document, report_document
from models.base import CHINA_TZ, china_date
from models.documents import DocumentKind
from models.policy import PolicyProfile
from models.tables import AuditEntry, CircularRow, HazardRow, Jurisdiction, PeriodicReportRow
from store import campaigns, documents, metrics, periodic_reports, signoffs, tasks
from store.hazards import OPEN_STATUSES, Scope
from store.periodic_reports import Issued

SYSTEM = Issued(actor_id="system", actor_name="系统（报告日程）", actor_role="system")


def period_instants(start: date, end: date) -> tuple[datetime, datetime]:
    """00:00 Asia/Shanghai of `start` to 24:00 of `end`, as UTC instants."""
    begin = datetime(start.year, start.month, start.day, tzinfo=CHINA_TZ).astimezone(UTC)
    finish = (datetime(end.year, end.month, end.day, tzinfo=CHINA_TZ) + timedelta(days=1)).astimezone(UTC)
    return begin, finish


GROUP_FIELDS = {"region": "region_code", "industry": "industry", "level": "level", "source": "source"}


def groups_json(groups: list[metrics.Group], group_by: str) -> list[dict[str, Any]]:
    """Each group's `key` (also under its own name: `region_code`, `industry`, `level` or `source`), `name` and
    figures."""
    return [{"key": g.key, GROUP_FIELDS[group_by]: g.key, "name": g.name, **g.figures.as_json()} for g in groups]


def ranking(*, session: Session, region: Jurisdiction, start: date, end: date, profile: PolicyProfile) -> list[rules.Ranked]:
    """打分排队 of the sub-jurisdictions of `region` for the period, highest first, from the dashboard's figures."""
    begin, finish = period_instants(start, end)
    dashboard = metrics.dashboard(session=session, scope=Scope(path=region.path), start=begin, end=finish)
    return ranking_of(session=session, region=region, dashboard=dashboard, profile=profile)


def ranking_of(*, session: Session, region: Jurisdiction, dashboard: metrics.Dashboard, profile: PolicyProfile) -> list[rules.Ranked]:
    """The ranking of the region's sub-jurisdictions by their figures in `dashboard` (the region's)."""
    if profile.ranking is None:
        return []
    children = {c.code for c in metrics.sub_jurisdictions(session=session, scope=Scope(path=region.path))}
    entries = [(g.key, g.name, g.figures.ranking_terms()) for g in dashboard.by_region if g.key in children]
    return rules.rank(entries, profile.ranking.weights)


def ranking_json(ranked: list[rules.Ranked]) -> list[dict[str, Any]]:
    return [
        {"region_code": r.region_code, "name": r.name, "rank": r.rank, "score": r.score,
         "terms": [{"term": t.term, "value": t.value, "weight": t.weight, "points": t.points} for t in r.terms]}
        for r in ranked
    ]


def _overdue_json(rows: list[HazardRow]) -> list[dict[str, Any]]:
    return [
        {"code": h.code, "title": h.title, "enterprise_uscc": h.enterprise_uscc, "enterprise_name": h.enterprise_name,
         "region_code": h.region_code, "level": h.level, "status": h.status, "escalation_rung": h.escalation_rung,
         "deadline": day_text(as_utc(h.deadline)) if h.deadline else None}
        for h in rows
    ]


def overdue_hazards(*, session: Session, scope: Scope, limit: int = 500) -> list[HazardRow]:
    """The hazards overdue now in the scope (whenever reported), most urgent deadline first."""
    h = HazardRow
    query = (
        select(h).where(metrics.scope_clause(scope), col(h.overdue).is_(True), col(h.status).in_(OPEN_STATUSES))
        .order_by(col(h.deadline), col(h.code)).limit(limit)
    )
    return list(session.exec(query))


def campaign_figures(*, session: Session, scope: Scope, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """The campaigns' figures for a report: every campaign that concerns the report's region (its own region in
    the subtree, or one covering it), by the dashboard's definition over its tagged hazards in the region reported
    in the period (`store.campaigns.figures_for_region`)."""
    return [
        {"id": row.id, "title": row.title, "region_code": row.region_code, "status": row.status,
         "figures": figures.total.as_json()}
        for row, figures in campaigns.figures_for_region(session=session, region_path=scope.path or "", start=start, end=end)
    ]


def report_content(*, session: Session, report_id: str, kind: str, region: Jurisdiction, start: date, end: date,
                   trigger: str, profile: PolicyProfile, now: datetime) -> dict[str, Any]:
    scope = Scope(path=region.path)
    begin, finish = period_instants(start, end)
    dashboard = metrics.dashboard(session=session, scope=scope, start=begin, end=finish)
    return {
        "id": report_id, "kind": kind, "region_code": region.code, "region_name": region.name,
        "period_start": start.isoformat(), "period_end": end.isoformat(), "generated_at": now.isoformat(),
        "trigger": trigger, "policy": profile.key, "totals": dashboard.total.as_json(),
        "by_region": groups_json(dashboard.by_region, "region"), "by_industry": groups_json(dashboard.by_industry, "industry"),
        "by_level": groups_json(dashboard.by_level, "level"), "by_source": groups_json(dashboard.by_source, "source"),
        "overdue_hazards": _overdue_json(overdue_hazards(session=session, scope=scope)),
        "campaigns": campaign_figures(session=session, scope=scope, start=begin, end=finish),
        "ranking": ranking_json(ranking_of(session=session, region=region, dashboard=dashboard, profile=profile)),
    }


def generate_report(*, session: Session, kind: str, region: Jurisdiction, start: date, end: date, trigger: str,
                    issued: Issued, profile: PolicyProfile, now: datetime) -> tuple[PeriodicReportRow, bool]:
    """The period's report of `region`: the stored one, or a new one computed, rendered, stored and audited now.
    Returns it and whether it was written by this call. The caller commits."""
    rid = periodic_reports.report_id(kind, region.code, start, end)
    existing = session.get(PeriodicReportRow, rid)
    if existing is not None:
        return existing, False
    content = report_content(session=session, report_id=rid, kind=kind, region=region, start=start, end=end,
                             trigger=trigger, profile=profile, now=now)
    document, rendered = documents.as_official(
        report_document(content), kind=DocumentKind.DISPATCH_REPORT, authority=f"{region.name}安全生产委员会办公室",
        authority_code=region.code, addressee="各成员单位", issued_on=china_date(now), subject_code=rid,
    )
    content["document_hash"] = document.sha256
    row = PeriodicReportRow(
        id=rid, kind=kind, region_code=region.code, region_path=region.path, period_start=start, period_end=end,
        generated_at=now, trigger=trigger, requested_by=issued.actor_name[:100], content_json=json.dumps(content, ensure_ascii=False),
        document_hash=document.sha256,
    )
    written = periodic_reports.save_report(session=session, row=row, document=document, issued=issued, policy=profile.key,
                                           rendered=rendered)
    if not written:
        stored = session.get(PeriodicReportRow, rid)
        assert stored is not None, f"report {rid} was neither written nor found"
        return stored, False
    return row, True


# --- circulars (通报) ------------------------------------------------------------------------------------------------


def _named_enterprises(session: Session, scope: Scope, begin: datetime, finish: datetime) -> list[dict[str, Any]]:
    """Enterprises whose hazards reached the circular rung in the period, or are overdue now."""
    h, a = HazardRow, AuditEntry
    circular = select(a.record_id).where(a.action == "rung", a.reason == "rung:circular", col(a.at) >= begin, col(a.at) < finish)
    overdue_now = (col(h.overdue).is_(True)) & col(h.status).in_(OPEN_STATUSES)
    rows = session.exec(
        select(h).where(metrics.scope_clause(scope), col(h.status) != "voided", col(h.code).in_(circular) | overdue_now)
        .order_by(col(h.enterprise_uscc), col(h.code))
    )
    named: dict[str, dict[str, Any]] = {}
    for hazard in rows:
        entry = named.setdefault(hazard.enterprise_uscc, {"uscc": hazard.enterprise_uscc, "name": hazard.enterprise_name,
                                                          "region_code": hazard.region_code, "hazards": []})
        entry["hazards"].append(hazard.code)
    return list(named.values())


def _fake_rectifications(session: Session, scope: Scope, begin: datetime, finish: datetime) -> list[dict[str, Any]]:
    """Verifications failed as fake rectification (虚假整改) in the period."""
    h = HazardRow
    found = []
    for hazard in session.exec(select(h).where(metrics.scope_clause(scope), col(h.state_json).contains('"fake_rectification":true'))):
        for verification in json.loads(hazard.state_json).get("verifications") or ():
            at = datetime.fromisoformat(verification["at"].replace("Z", "+00:00"))
            if verification.get("fake_rectification") and begin <= at < finish:
                found.append({"hazard_code": hazard.code, "enterprise_uscc": hazard.enterprise_uscc,
                              "enterprise_name": hazard.enterprise_name, "region_code": hazard.region_code,
                              "at": at.astimezone(CHINA_TZ).date().isoformat(), "comment": verification.get("comment")})
    return found


def circular_content(*, session: Session, circular_id: str, region: Jurisdiction, start: date, end: date,
                     profile: PolicyProfile, now: datetime, report_id: str | None) -> dict[str, Any]:
    scope = Scope(path=region.path)
    begin, finish = period_instants(start, end)
    ranked = ranking(session=session, region=region, start=start, end=end, profile=profile)
    bottom = profile.ranking.bottom if profile.ranking else 0
    lagging = ranked[-bottom:] if bottom and len(ranked) > bottom else []
    return {
        "id": circular_id, "region_code": region.code, "region_name": region.name, "period_start": start.isoformat(),
        "period_end": end.isoformat(), "issued_at": now.isoformat(), "issued_on": now.astimezone(CHINA_TZ).date().isoformat(),
        "report_id": report_id, "policy": profile.key,
        "enterprises": _named_enterprises(session, scope, begin, finish),
        "fake_rectifications": _fake_rectifications(session, scope, begin, finish),
        "lagging_jurisdictions": ranking_json(lagging),
    }


def circular_notices(content: dict[str, Any], title: str) -> list[tuple[str, str, str]]:
    """Everyone the circular names: each enterprise (overdue, circular rung, fake rectification) and each lagging
    jurisdiction's authority."""
    notices = [("enterprise", e["uscc"], title) for e in content["enterprises"]]
    notices += [("enterprise", f["enterprise_uscc"], title) for f in content["fake_rectifications"]]
    notices += [("authority", r["region_code"], title) for r in content["lagging_jurisdictions"]]
    return notices


def issue_circular(*, session: Session, region: Jurisdiction, start: date, end: date, issued: Issued,
                   profile: PolicyProfile, now: datetime, report_id: str | None = None) -> tuple[CircularRow, bool]:
    """The period's circular of `region`: the stored one, or a new one generated from the facts, stored, audited
    and sent to everyone it names; or, when the policy wants circulars signed, stored as a draft whose
    SignOffWorkflow (`signoff_json`) sends it once a leader signs it. The caller commits."""
    cid = periodic_reports.circular_id(region.code, start, end)
    existing = session.get(CircularRow, cid)
    if existing is not None:
        return existing, False
    content = circular_content(session=session, circular_id=cid, region=region, start=start, end=end, profile=profile,
                               now=now, report_id=report_id)
    spec = circular_document(content)
    source = documents.official_of(spec, kind=DocumentKind.CIRCULAR, authority=f"{region.name}安全生产委员会办公室",
                                   authority_code=region.code, addressee="各有关单位", issued_on=china_date(now), subject_code=cid,
                                   number=f"安办通〔{china_date(now).year}〕{cid}号")
    document, rendered = documents.rendered_as(spec, source)
    content["document_hash"] = document.sha256
    draft = signoff.required(profile, DocumentKind.CIRCULAR)
    row = CircularRow(
        id=cid, region_code=region.code, region_path=region.path, period_start=start, period_end=end, issued_at=now,
        issued_by=issued.actor_name[:100], report_id=report_id, content_json=json.dumps(content, ensure_ascii=False),
        document_hash=document.sha256, status="draft" if draft else "issued",
    )
    if draft:  # a leader of the region signs it first (SignOffWorkflow); then everyone it names is notified
        row.signoff_json = signoffs.draft_start(row=row, region=region, source=source, sha256=document.sha256,
                                                profile=profile, now=now).model_dump_json()
    notices = [] if draft else circular_notices(content, f"通报：{document.title}")
    written = periodic_reports.save_circular(session=session, row=row, document=document, issued=issued, policy=profile.key,
                                             notices=notices, rendered=rendered)
    if written and draft:
        tasks.replace_for_circular(session=session, circular_id=cid, title=document.title, signer_code=region.code)
    if not written:
        stored = session.get(CircularRow, cid)
        assert stored is not None, f"circular {cid} was neither written nor found"
        return stored, False
    return row, True


def supervising_jurisdictions(*, session: Session) -> list[Jurisdiction]:
    """Every jurisdiction with an authority (county, city, province): each gets its periodic reports."""
    return list(session.exec(select(Jurisdiction).where(col(Jurisdiction.level).in_(("county", "city", "province")))
                             .order_by(col(Jurisdiction.path))))
