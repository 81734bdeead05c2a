"""Documents rendered from the recorded facts (docs/domain.md §9): plain text, stored with their SHA-256."""

import hashlib
from datetime import datetime, timedelta

from models.base import china_date
from models.clock import DocumentSpec
from models.hazard import HazardState
from models.policy import RungType

RUNG_DOCUMENT = {
    RungType.URGING_LETTER: "督办函",
    RungType.CIRCULAR: "通报",
    RungType.INTERVIEW: "约谈通知书",
    RungType.RAISE_LISTING: "提级督办通知书",
    RungType.JOINT_PUNISHMENT: "联合惩戒告知书",
    RungType.ACCOUNTABILITY_REFERRAL: "移交问责函",
}

RUNG_TEXT = {
    RungType.URGING_LETTER: "请于收到本函后立即组织整改，并在宽限期内申请验收。",
    RungType.CIRCULAR: "该企业将在下一期通报中点名，并计入属地安全生产考核排名。",
    RungType.INTERVIEW: "请企业主要负责人本人（不得委托）按约谈通知书确定的时间、地点接受约谈，并提交书面材料。",
    RungType.RAISE_LISTING: "该隐患提级督办，由上一级安全生产委员会接管督办；对下级督办机关负责人进行约谈。",
    RungType.JOINT_PUNISHMENT: "该企业纳入安全生产违法失信名单，推送信用信息共享平台，建议停产整顿。",
    RungType.ACCOUNTABILITY_REFERRAL: "将相关责任人员移送监察机关，附案卷材料。",
}


def day_text(instant: datetime | None) -> str:
    if instant is None:
        return "—"
    return china_date(instant - timedelta(seconds=1)).isoformat()  # a deadline is 24:00 of its day


def render_rung(state: HazardState, rung: RungType, reason: str, now: datetime) -> DocumentSpec:
    listing = state.listing
    lines = [
        RUNG_DOCUMENT[rung],
        "",
        f"隐患编号：{state.code}",
        f"隐患名称：{state.facts.title}",
        f"责任单位：{state.facts.enterprise_name}（{state.facts.enterprise_uscc}）",
        f"所在地区：{'/'.join(r.name for r in state.facts.region_path)}",
        f"督办文号：{listing.notice_number if listing else '—'}",
        f"督办机关：{listing.authority_name if listing else state.facts.region_path[-1].name}",
        f"整改期限：{day_text(state.deadline)}",
        f"触发原因：{reason}",
        "",
        RUNG_TEXT[rung],
        "",
        f"日期：{china_date(now).isoformat()}",
        f"依据：安全生产督办策略 {state.policy.key}",
    ]
    content = "\n".join(lines) + "\n"
    title = f"{RUNG_DOCUMENT[rung]}（{state.code}）"
    return DocumentSpec(kind=rung.value, title=title, content=content, sha256=hashlib.sha256(content.encode()).hexdigest())
