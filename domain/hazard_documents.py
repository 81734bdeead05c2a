"""The hazard's official documents (docs/domain.md §9), built from the recorded facts: which transition issues
which document, and its text. Pure: the workflow renders what this returns in an activity."""

from datetime import datetime

from domain.clocks import local_authority
from domain.documents import day_text
from models.base import china_date
from models.documents import KIND_ZH, DocumentKind, OfficialDocument
from models.enums import Action, AuthorityLevel, HazardLevel, VerifyDecision
from models.hazard import HazardState, JurisdictionRef, ProjectionItem
from models.policy import RungType

K = DocumentKind
RUNG_KIND = {
    RungType.URGING_LETTER: K.URGING_LETTER,
    RungType.CIRCULAR: K.CIRCULAR,
    RungType.INTERVIEW: K.INTERVIEW_NOTICE,
    RungType.RAISE_LISTING: K.RAISE_LISTING,
    RungType.JOINT_PUNISHMENT: K.JOINT_PUNISHMENT,
    RungType.ACCOUNTABILITY_REFERRAL: K.ACCOUNTABILITY_REFERRAL,
}
NUMBER_PREFIX = {  # 发文字号's 机关代字 + 类别
    K.RECTIFICATION_ORDER: "安办整改", K.URGING_LETTER: "安办督函", K.CIRCULAR: "安办通报", K.INTERVIEW_NOTICE: "安办约谈",
    K.RAISE_LISTING: "安委提级", K.JOINT_PUNISHMENT: "安委惩戒", K.ACCOUNTABILITY_REFERRAL: "安委移交",
    K.VERIFICATION_OPINION: "安办验收", K.CLOSEOUT_NOTICE: "安委销号", K.CLOSEOUT_ANNOUNCEMENT: "安委公告",
    K.LISTING_ANNOUNCEMENT: "安委公告",
}
RUNG_BODY = {
    RungType.URGING_LETTER: "请你单位收到本函后立即组织整改，在宽限期内完成整改并申请验收，逾期将依次通报、约谈直至移交问责。",
    RungType.CIRCULAR: "现将该企业逾期未整改的情况予以通报，在下一期通报中点名，并计入属地安全生产考核排名。",
    RungType.INTERVIEW: "请企业主要负责人本人（不得委托）按约谈机关确定的时间、地点接受约谈，并在约谈前提交书面材料（事实、原因、措施）。",
    RungType.RAISE_LISTING: "该隐患提级督办，由上一级安全生产委员会接管督办；对下级督办机关负责人进行约谈。",
    RungType.JOINT_PUNISHMENT: "该企业纳入安全生产违法失信名单，推送信用信息共享平台实施联合惩戒，并建议停产整顿。",
    RungType.ACCOUNTABILITY_REFERRAL: "现将相关责任人员移送监察机关依规依纪依法处理，附案卷材料（时间线及相关文书）。",
}


def committee(ref: JurisdictionRef) -> str:
    return f"{ref.name}安全生产委员会"


def issuing_authority(state: HazardState, kind: DocumentKind) -> tuple[str, str]:
    """(name, division code) of the authority that issues `kind` for this hazard: the listing committee for a
    listed hazard, else the office (安委办) of the local authority."""
    if state.listing is not None and state.level == HazardLevel.MAJOR:
        return f"{state.listing.authority_name}安全生产委员会", state.listing.authority_code
    local = local_authority(state)
    return f"{committee(local)}办公室", local.code


def facts_paragraph(state: HazardState) -> str:
    facts = state.facts
    region = "".join(r.name for r in facts.region_path)
    level = "重大事故隐患" if state.level == HazardLevel.MAJOR else "一般事故隐患"
    return (f"经核查，你单位（统一社会信用代码 {facts.enterprise_uscc}）位于{region}{facts.location}的"
            f"“{facts.title}”（隐患编号 {state.code}）属于{level}。隐患情况：{facts.description}")


def base(state: HazardState, kind: DocumentKind, now: datetime, seq: int) -> dict[str, object]:
    authority, code = issuing_authority(state, kind)
    year = china_date(now).year
    number = f"{NUMBER_PREFIX.get(kind, '安办')}〔{year}〕{state.code}-{seq}号"
    return {"kind": kind, "authority": authority, "authority_code": code, "number": number,
            "addressee": state.facts.enterprise_name, "issued_on": china_date(now), "subject_code": state.code}


def documents_for(before: HazardState, item: ProjectionItem, now: datetime) -> tuple[OfficialDocument, ...]:
    """The documents a recorded transition issues (none for most)."""
    state, action, seq = item.state, item.transition.action, item.transition.seq
    title = f"“{state.facts.title}”"
    if action == Action.ORDER_RECTIFICATION:
        return (rectification_order(state, now, seq, title),)
    if action == Action.LIST and state.listing is not None:
        return (listing_notice(state, now, seq, title),)
    if action == Action.RUNG and len(state.fired) > len(before.fired):
        return (rung_letter(before, state, now, seq),)
    if action == Action.VERIFY and state.verifications:
        return (verification_opinion(state, now, seq, title),)
    if action == Action.CLOSE:
        return (closeout_notice(state, now, seq, title),)
    if action == Action.PUBLISH:
        return (announcement(before, state, now, seq),)
    return ()


def rectification_order(state: HazardState, now: datetime, seq: int, title: str) -> OfficialDocument:
    return OfficialDocument(
        **base(state, K.RECTIFICATION_ORDER, now, seq),  # type: ignore[arg-type]
        title=f"关于{title}的整改指令书",
        paragraphs=(facts_paragraph(state),
                    f"根据《安全生产法》和《安全生产事故隐患排查治理暂行规定》，责令你单位于 {day_text(state.deadline)} 前完成整改，"
                    "整改完成后向本机关申请验收。逾期未完成整改的，将依规逐级督办。"),
    )


def listing_notice(state: HazardState, now: datetime, seq: int, title: str) -> OfficialDocument:
    listing = state.listing
    assert listing is not None
    fields = base(state, K.LISTING_NOTICE, now, seq) | {"number": listing.notice_number}
    return OfficialDocument(
        **fields,  # type: ignore[arg-type]
        title=f"关于对{state.facts.enterprise_name}{title}重大事故隐患挂牌督办的通知",
        paragraphs=(facts_paragraph(state),
                    f"经研究，决定对该隐患实行{LEVEL_ZH[listing.authority_level]}级挂牌督办，督办文号 {listing.notice_number}。"
                    f"督办要求：{listing.requirements or '按整改方案落实责任、措施、资金、时限和预案'}。",
                    f"整改期限：{day_text(listing.deadline)}（24:00）。责任单位：{state.facts.enterprise_name}；"
                    f"责任人：{state.facts.enterprise_principal or '企业主要负责人'}；督办单位：{listing.authority_name}安全生产委员会。",
                    "请你单位自收到本通知之日起 10 个工作日内报送整改方案，整改完成后申请验收销号。"),
    )


LEVEL_ZH = {AuthorityLevel.COUNTY: "县", AuthorityLevel.CITY: "市", AuthorityLevel.PROVINCE: "省"}


def rung_letter(before: HazardState, state: HazardState, now: datetime, seq: int) -> OfficialDocument:
    fired = state.fired[-1]
    kind = RUNG_KIND[fired.rung]
    number_ref = f"（督办文号 {before.listing.notice_number}）" if before.listing else ""
    paragraphs = (facts_paragraph(before),
                  f"该隐患{number_ref}整改期限为 {day_text(before.deadline)}，至今逾期未完成整改（触发原因：{fired.reason}）。",
                  RUNG_BODY[fired.rung])
    attachments: tuple[tuple[str, tuple[str, ...]], ...] = ()
    if fired.rung == RungType.ACCOUNTABILITY_REFERRAL:
        attachments = (("案卷材料：隐患时间线及相关文书", case_file(state)),)
    addressee = "监察机关" if fired.rung == RungType.ACCOUNTABILITY_REFERRAL else before.facts.enterprise_name
    fields = base(before, kind, now, seq) | {"addressee": addressee}
    return OfficialDocument(**fields, title=f"{KIND_ZH[kind]}（{before.facts.enterprise_name}{before.facts.title}）",  # type: ignore[arg-type]
                            paragraphs=paragraphs, attachments=attachments)


def case_file(state: HazardState) -> tuple[str, ...]:
    """The hazard's timeline and its documents, for the accountability referral (移交问责函)."""
    events: list[tuple[datetime, str]] = [(state.reported_at, f"登记：{state.facts.title}")]
    if state.assessment:
        events.append((state.assessment.at, f"定级：{state.assessment.level.value}"))
    if state.listing:
        events.append((state.listing.at, f"挂牌督办：{state.listing.notice_number}，期限 {day_text(state.listing.deadline)}"))
    events += [(r.at, f"整改方案审核：{r.decision.value}") for r in state.plan_reviews]
    events += [(e.requested_at, f"延期申请 {e.days} 个工作日：{e.status.value}") for e in state.extensions]
    events += [(v.at, f"核查验收：{v.decision.value}") for v in state.verifications]
    events += [(f.at, f"升级：{f.rung.value}（{f.reason}）") for f in state.fired]
    lines = [f"{china_date(at).isoformat()} {what}" for at, what in sorted(events, key=lambda e: e[0])]
    lines += [f"文书：{d.title}（{d.status.value}，SHA-256 {d.sha256}）" for d in state.documents]
    return tuple(lines)


def verification_opinion(state: HazardState, now: datetime, seq: int, title: str) -> OfficialDocument:
    verification = state.verifications[-1]
    passed = verification.decision == VerifyDecision.PASS
    outcome = "验收合格，同意该隐患申请销号" if passed else f"验收不合格，请于 {day_text(verification.new_deadline)} 前重新整改"
    fake = "经核查存在虚假整改行为，已升级督办。" if verification.fake_rectification else ""
    return OfficialDocument(
        **base(state, K.VERIFICATION_OPINION, now, seq),  # type: ignore[arg-type]
        title=f"关于{title}整改验收的意见",
        paragraphs=(facts_paragraph(state),
                    f"经现场核查，{outcome}。{fake}核查意见：{verification.comment or '无'}。"),
    )


def closeout_notice(state: HazardState, now: datetime, seq: int, title: str) -> OfficialDocument:
    number = f"，原督办文号 {state.listing.notice_number}" if state.listing else ""
    return OfficialDocument(
        **base(state, K.CLOSEOUT_NOTICE, now, seq),  # type: ignore[arg-type]
        title=f"关于{title}销号的通知",
        paragraphs=(facts_paragraph(state),
                    f"该隐患已整改完毕并经验收合格，决定予以销号{'（摘牌）' if state.listing else ''}{number}。"
                    f"销号日期：{china_date(now).isoformat()}。{state.close_comment or ''}"),
    )


def announcement(before: HazardState, state: HazardState, now: datetime, seq: int) -> OfficialDocument:
    """The public announcement (公告): the enterprise, the hazard, the authority and dates; nothing about who
    reported it."""
    closeout = state.closeout_published_at is not None and before.closeout_published_at is None
    kind = K.CLOSEOUT_ANNOUNCEMENT if closeout else K.LISTING_ANNOUNCEMENT
    listing = state.listing
    number = listing.notice_number if listing else "—"
    if closeout:
        text = (f"{state.facts.enterprise_name}“{state.facts.title}”重大事故隐患（督办文号 {number}）已整改完毕，"
                f"经验收合格，于 {day_text(state.closed_at)} 销号，现予公告。")
    else:
        text = (f"对{state.facts.enterprise_name}“{state.facts.title}”重大事故隐患实行挂牌督办（督办文号 {number}），"
                f"整改期限 {day_text(state.deadline)}，现予公告，接受社会监督。")
    fields = base(state, kind, now, seq) | {"addressee": "", "public": True}
    return OfficialDocument(**fields, title=KIND_ZH[kind], paragraphs=(text,))  # type: ignore[arg-type]
