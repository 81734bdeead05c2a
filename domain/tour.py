"""Who may take which step of an inspection tour (巡查, docs/domain.md §7), and the team's rules (回避).

`check` refuses (403 who, 409 state, 422 body) before anything happens; what a step does is in
`domain.tour_steps`. Pure: the caller passes the resolved team members and `now`.
"""

from domain import tour_documents, tour_visibility
from domain.permissions import ROLE_ZH
from domain.refusals import Refusal, refuse, wrong_state
from models import labels
from models.actors import Actor
from models.enums import Role
from models.labels import zh
from models.tour import (
    ChangeTeamBody,
    FindingKind,
    JudgeRectificationBody,
    RecordFindingBody,
    SubmitRectificationBody,
    Target,
    TargetStatus,
    TeamMember,
    TeamRole,
    TourAction,
    TourBody,
    TourPublishBody,
    TourRules,
    TourState,
    TourStatus,
    TransferClueBody,
)
from registry.tour import TOUR

A = TourAction
S = TourStatus
ROLES_FOR: dict[TourAction, frozenset[Role]] = {A(spec.name): spec.roles for spec in TOUR.actions}
ALLOWED_FROM: dict[TourAction, frozenset[TourStatus]] = {
    A(spec.name): frozenset(S(s) for s in spec.allowed_from) for spec in TOUR.actions
}
STATUS_ZH = zh(labels.TOUR_STATUS)
TARGET_STATUS_ZH = zh(labels.TARGET_STATUS)
ACTION_ZH = {A(spec.name): spec.label_zh for spec in TOUR.actions}
# The state a target must be in for each per-target step.
TARGET_NEEDS = {
    A.SUBMIT_RECTIFICATION_REPORT: frozenset({TargetStatus.RECTIFYING}),
    A.ACCEPT_RECTIFICATION: frozenset({TargetStatus.REPORTED}),
    A.REJECT_RECTIFICATION: frozenset({TargetStatus.REPORTED}),
}


# --- the team (回避, size, leader) -------------------------------------------------------------------


def check_team(team: tuple[TeamMember, ...], targets: tuple[Target, ...], rules: TourRules) -> None:
    """422 unless the team has its size, one leader, a deputy, nobody twice, and nobody touring where they work."""
    seen: set[str] = set()
    for index, member in enumerate(team):
        if member.username in seen:
            raise refuse("team_member_twice", f"team.{index}.username", username=member.username)
        seen.add(member.username)
    if len(team) < rules.min_team_size:
        raise refuse("team_too_small", "team", minimum=rules.min_team_size, size=len(team))
    leaders = sum(1 for m in team if m.role == TeamRole.LEADER)
    if leaders != 1:
        raise refuse("team_needs_one_leader", "team", count=leaders)
    if not any(m.role == TeamRole.DEPUTY for m in team):
        raise refuse("team_needs_deputy", "team")
    for index, member in enumerate(team):
        for target in targets:
            check_avoidance(index, member, target)


def check_avoidance(index: int, member: TeamMember, target: Target) -> None:
    """地域回避: nobody tours the jurisdiction they work in (or one holding their post); 任职回避: nor the
    department they work for. The refusal names the person and the rule."""
    name = member.display_name or member.username
    field = f"team.{index}.username"
    if target.department is not None:
        if member.unit and _same_unit(member.unit, target.department):
            raise refuse("avoidance_unit", field, username=member.username, name=name, unit=member.unit)
        return
    if member.jurisdiction_path and member.jurisdiction_path.startswith(target.path_key):
        raise refuse("avoidance_region", field, username=member.username, name=name,
                     jurisdiction=member.jurisdiction_code, target=f"{target.name}（{target.region_code}）")
    if member.unit and _same_unit(member.unit, target.name):
        raise refuse("avoidance_unit", field, username=member.username, name=name, unit=member.unit)


def _same_unit(a: str, b: str) -> bool:
    return "".join(a.split()) == "".join(b.split())


def avoidance_result(team: tuple[TeamMember, ...], targets: tuple[Target, ...]) -> list[dict[str, str]]:
    """Each member and what the 回避 check found for them (the tour page shows it): `ok` or the rule's words."""
    result = []
    for index, member in enumerate(team):
        verdict, words = "ok", "无回避情形 / no conflict"
        for target in targets:
            try:
                check_avoidance(index, member, target)
            except Refusal as refusal:  # its words are the verdict
                verdict, words = "conflict", refusal.message_zh
                break
        result.append({"username": member.username, "verdict": verdict, "words": words})
    return result


# --- refusals ---------------------------------------------------------------------------------------


def check(action: TourAction, state: TourState, actor: Actor, body: TourBody | None,
          members: tuple[TeamMember, ...] = ()) -> None:
    """Raise a `Refusal` unless `actor` may take `action` with `body` on `state` (`members`: the resolved
    team of a change-team)."""
    check_role(action, actor)
    check_state(action, state)
    check_party(action, state, actor, body)
    if body is not None:
        check_body(action, state, body, members)


def check_role(action: TourAction, actor: Actor) -> None:
    allowed = ROLES_FOR.get(action)
    if allowed is None:
        raise refuse("not_a_human_action", action=action.value, action_zh=action.value)
    if actor.role not in allowed:
        raise refuse("role_not_allowed", role=actor.role.value, role_zh=ROLE_ZH[actor.role],
                     action=f"{action.value} a tour", action_zh=ACTION_ZH[action],
                     roles=", ".join(sorted(allowed)), roles_zh="、".join(ROLE_ZH[r] for r in sorted(allowed)))


def check_state(action: TourAction, state: TourState) -> None:
    if state.status not in ALLOWED_FROM.get(action, frozenset()):
        raise wrong_state("tour", "巡查", state.status, STATUS_ZH[state.status], action.value, ACTION_ZH[action])


def is_member(state: TourState, actor: Actor) -> bool:
    return any(m.user_id == actor.user_id for m in state.team)


def is_leader(state: TourState, actor: Actor) -> bool:
    return any(m.user_id == actor.user_id and m.role == TeamRole.LEADER for m in state.team)


def check_party(action: TourAction, state: TourState, actor: Actor, body: TourBody | None) -> None:
    """403 unless `actor` is the party the step belongs to."""
    organizer = state.start.organizer
    if action in (A.RECORD_FINDING, A.TRANSFER_CLUE):
        if not is_member(state, actor):
            raise refuse("not_team_member")
    elif action == A.SUBMIT_REPORT:
        if not is_leader(state, actor):
            raise refuse("not_team_leader")
    elif action == A.SUBMIT_RECTIFICATION_REPORT:
        target = state.target(body.target) if isinstance(body, SubmitRectificationBody) else None
        if target is not None and actor.jurisdiction_code != target.region_code:
            raise refuse("not_target_authority", target=target.key)
        if target is None and body is None and not any(t.region_code == actor.jurisdiction_code for t in state.start.targets):
            raise refuse("not_target_authority", target="—")
    elif action == A.DELIVER_FEEDBACK and is_leader(state, actor):
        return  # the team gives its feedback (seed: 巡查组应及时向巡查对象指出并提出整改建议), or the office
    elif actor.jurisdiction_code != organizer.code or (action == A.DELIVER_FEEDBACK and actor.role != Role.SUPERVISOR):
        raise refuse("not_organizer", organizer=organizer.code, organizer_name=organizer.name)


def check_duties(action: TourAction, state: TourState, actor: Actor) -> None:
    """Separation of duties (seed 002: the team writes the report, a committee leader approves it): whoever
    approves or signs the report is not on the team and did not write it. Checked when the step is asked for
    (the validators), so histories recorded before still replay."""
    report = state.report
    wrote = report is not None and report.by.user_id == actor.user_id
    if action in (A.APPROVE_REPORT, A.SIGN) and (wrote or is_member(state, actor)):
        step_zh, step_en = ("审定报告", "approve the report") if action == A.APPROVE_REPORT else ("签发报告", "sign the report")
        raise refuse("duties_not_separated", role_zh="报告撰写人或巡查组成员", role_en="its author or a member of the team",
                     step_zh=step_zh, step_en=step_en)


def check_body(action: TourAction, state: TourState, body: TourBody, members: tuple[TeamMember, ...]) -> None:
    """422 (409 for a target or a clue in the wrong state) when the body does not fit the tour."""
    if isinstance(body, ChangeTeamBody):
        check_team(members, state.start.targets, state.start.rules)
    elif isinstance(body, RecordFindingBody):
        if state.target(body.target) is None:
            raise refuse("unknown_target", "target", target=body.target)
    elif isinstance(body, TransferClueBody):
        finding = next((f for f in state.findings if f.id == body.finding), None)
        if finding is None:
            raise refuse("unknown_finding", "finding", finding=body.finding)
        if finding.kind != FindingKind.CLUE:
            raise refuse("not_a_clue", "finding", finding=finding.id, kind=finding.kind.value)
        if finding.transferred_to is not None:
            raise refuse("clue_already_transferred", "finding", finding=finding.id, to=finding.transferred_to)
    elif isinstance(body, TourPublishBody) and tour_documents.report_unsigned(state):
        raise refuse("document_not_signed", **tour_documents.UNSIGNED_WORDS)
    elif isinstance(body, (SubmitRectificationBody, JudgeRectificationBody)):
        progress = state.progress_of(body.target)
        if progress is None:
            raise refuse("unknown_target", "target", target=body.target)
        if progress.status not in TARGET_NEEDS[action]:
            raise refuse("target_wrong_state", "target", target=body.target, status=progress.status.value,
                         status_zh=TARGET_STATUS_ZH[progress.status], action=action.value, action_zh=ACTION_ZH[action])


def allowed_actions(state: TourState, actor: Actor) -> tuple[TourAction, ...]:
    """The human steps `actor` may take on `state` now (bodies aside)."""
    allowed = []
    for action in (A(spec.name) for spec in TOUR.actions):
        try:
            check_role(action, actor)
            check_state(action, state)
            check_party(action, state, actor, None)
        except Refusal:  # not allowed now
            continue
        allowed.append(action)
    return tuple(allowed)


def may_see(actor: Actor, state: TourState) -> bool:
    """The organizer's office, the team and the targets' staff: whoever has a view of it (what each view shows:
    `domain/tour_visibility.py`, the one rule for both)."""
    return tour_visibility.view_of(actor, state) is not None
