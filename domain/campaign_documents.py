"""The campaign's documents (docs/domain.md §9): the closing account, the summary report and the annual
summary.

Every one goes through `render_campaign_document`, which returns the content with its SHA-256 (a `DocumentSpec`),
stored and audited as the hazard's rung documents are. Campaigns launched since official documents
lay it out as one (`official_source`) and the workflow has it rendered to PDF by the render activity; the spec
then names the PDF's SHA-256.
"""

import hashlib
from collections.abc import Sequence
from datetime import datetime

from models.base import china_date
from models.campaign import CampaignAccount, CampaignState, RegionFigures
from models.clock import DocumentSpec
from models.documents import DocumentKind, OfficialDocument

TITLES = {
    "campaign_account": "专项整治整改阶段结账报告",
    "campaign_summary": "专项整治总结评估报告",
    "campaign_annual_summary": "专项整治年度总结",
}


def render_campaign_document(kind: str, state: CampaignState, body: Sequence[str], now: datetime,
                             year: int | None = None) -> DocumentSpec:
    """The one place a campaign document is rendered: header, the given body lines, the date and the authority."""
    start = state.start
    title = f"{TITLES[kind]}（{start.title}{f' {year}年' if year else ''}）"
    lines = [
        start.authority_name,
        start.document_number or "",
        "",
        title,
        "",
        f"专项整治编号：{start.campaign_id}",
        f"范围：{'/'.join(r.name for r in start.region_path)}" + (f"；行业：{'、'.join(start.industries)}" if start.industries else ""),
        "",
        *body,
        "",
        f"{start.authority_name}",
        f"日期：{china_date(now).isoformat()}",
    ]
    content = "\n".join(lines) + "\n"
    return DocumentSpec(kind=kind, title=title[:300], content=content, sha256=hashlib.sha256(content.encode()).hexdigest())


def account_document(state: CampaignState, account: CampaignAccount, now: datetime) -> DocumentSpec:
    body = [
        f"一、已销号（{len(account.closed)}）：{'、'.join(account.closed) or '无'}",
        f"二、结转整改（{len(account.carried_over)}）：{'、'.join(account.carried_over) or '无'}",
        f"三、逾期未整改（{len(account.overdue)}）：{'、'.join(account.overdue) or '无'}",
    ]
    return render_campaign_document("campaign_account", state, body, now)


def figures_lines(groups: Sequence[RegionFigures]) -> list[str]:
    lines = ["地区 | 发现 | 重大 | 已整改 | 按期整改 | 挂牌 | 挂牌销号 | 逾期"]
    for g in groups:
        lines.append(f"{g.name}（{g.code}）| {g.found} | {g.major} | {g.rectified} | {g.on_time} | {g.listed} | {g.closed} | {g.overdue}")
    return lines


def summary_document(state: CampaignState, groups: Sequence[RegionFigures], now: datetime, year: int | None = None) -> DocumentSpec:
    kind = "campaign_annual_summary" if year else "campaign_summary"
    account = state.account
    body = figures_lines(groups)
    if account is not None and not year:
        body += ["", f"整改阶段结账：销号 {len(account.closed)}，结转 {len(account.carried_over)}，逾期 {len(account.overdue)}"]
    done = sum(1 for m in state.measures if m.completed_at is not None)
    body += [f"制度措施清单：共 {len(state.measures)} 项，已完成 {done} 项"]
    return render_campaign_document(kind, state, body, now, year)


def official_source(state: CampaignState, spec: DocumentSpec, now: datetime) -> OfficialDocument:
    """The campaign document `spec` laid out as an official document of the launching authority (GB/T 9704): its
    文号 the campaign's document number (or its id), addressed to the covered jurisdictions."""
    start = state.start
    header = {start.authority_name, start.document_number or "", spec.title, f"日期：{china_date(now).isoformat()}"}
    body = tuple(line for line in spec.content.splitlines() if line.strip() and line not in header)
    return OfficialDocument(
        kind=DocumentKind(spec.kind), authority=start.authority_name, authority_code=start.authority_code,
        number=start.document_number or start.campaign_id, title=spec.title, addressee=f"{start.region_path[-1].name}各有关单位",
        paragraphs=body, issued_on=china_date(now), subject_code=start.campaign_id,
    )
