"""Who may act on a hazard (domain.md section 2)."""

from domain.refusals import forbidden, invalid
from models.actors import Actor
from models.enums import Action, AuthorityLevel, HazardLevel, JurisdictionLevel, Role
from models.hazard import HazardState, JurisdictionRef

ROLES_FOR: dict[Action, frozenset[Role]] = {
    Action.ASSESS: frozenset({Role.INSPECTOR, Role.SUPERVISOR}),
    Action.LIST: frozenset({Role.SUPERVISOR}),
    Action.SUBMIT_PLAN: frozenset({Role.ENTERPRISE}),
    Action.REVIEW_PLAN: frozenset({Role.SUPERVISOR}),
    Action.REPORT_PROGRESS: frozenset({Role.ENTERPRISE}),
    Action.SUBMIT_COMPLETION: frozenset({Role.ENTERPRISE}),
    Action.VERIFY: frozenset({Role.SUPERVISOR}),
    Action.CLOSE: frozenset({Role.SUPERVISOR}),
    Action.VOID: frozenset({Role.SUPERVISOR}),
    Action.REQUEST_EXTENSION: frozenset({Role.ENTERPRISE}),
    Action.REVIEW_EXTENSION: frozenset({Role.SUPERVISOR}),
    Action.PAUSE: frozenset({Role.SUPERVISOR}),
    Action.RESUME: frozenset({Role.SUPERVISOR}),
    Action.INTERVIEW: frozenset({Role.SUPERVISOR}),
}

ROLE_ZH = {
    Role.ENTERPRISE: "企业用户",
    Role.INSPECTOR: "检查人员",
    Role.SUPERVISOR: "督办人员",
    Role.LEADER: "领导",
    Role.AUDITOR: "审计人员",
    Role.ADMIN: "管理员",
    Role.WHISTLEBLOWER_OFFICER: "举报受理专员",
    Role.SYSTEM: "系统",
}


def region_index(state: HazardState, jurisdiction_code: str | None) -> int | None:
    """Where `jurisdiction_code` stands in the hazard's region chain (0 = root), or None if it does not hold it."""
    for index, ref in enumerate(state.facts.region_path):
        if ref.code == jurisdiction_code:
            return index
    return None


def may_see(actor: Actor, state: HazardState) -> bool:
    if actor.role in (Role.ADMIN, Role.SYSTEM):
        return True
    if actor.role == Role.ENTERPRISE:
        return actor.enterprise_uscc == state.facts.enterprise_uscc
    return region_index(state, actor.jurisdiction_code) is not None


def authority_for(state: HazardState, level: AuthorityLevel) -> JurisdictionRef:
    """The jurisdiction whose committee lists the hazard at `level` (the hazard's ancestor at that level)."""
    wanted = JurisdictionLevel(level.value)
    for ref in state.facts.region_path:
        if ref.level == wanted:
            return ref
    raise invalid(
        "no_authority_at_level",
        f"该隐患所在地区没有{level.value}级督办机关",
        f"the hazard's region has no {level.value}-level authority",
    )


def check_role(action: Action, actor: Actor) -> None:
    """Raise a 403 refusal unless `actor`'s role may ever take `action`."""
    allowed = ROLES_FOR[action]
    if actor.role not in allowed:
        roles = "、".join(ROLE_ZH[r] for r in sorted(allowed))
        raise forbidden(
            "role_not_allowed",
            f"{ROLE_ZH[actor.role]}不能执行“{action.value}”，只有{roles}可以",
            f"a {actor.role.value} cannot {action.value}; only {', '.join(sorted(allowed))} may",
        )


def check_jurisdiction(action: Action, actor: Actor, state: HazardState, authority_code: str | None) -> None:
    """Raise a 403 refusal unless `actor` may act on this hazard from where they stand.

    `authority_code` is the listing authority the action would act as (for `list`, chosen in its body).
    """
    if actor.role == Role.ENTERPRISE:
        if actor.enterprise_uscc != state.facts.enterprise_uscc:
            raise forbidden(
                "not_your_enterprise",
                "只能处理本企业的隐患",
                "an enterprise user acts only on its own enterprise's hazards",
            )
        return
    held_at = region_index(state, actor.jurisdiction_code)
    if held_at is None:
        raise forbidden(
            "outside_jurisdiction",
            "该隐患不在您的辖区内",
            "this hazard is outside your jurisdiction",
        )
    if action == Action.LIST:
        _check_is_authority(actor, authority_code, "listing")
    elif action in (Action.REVIEW_PLAN, Action.CLOSE, Action.REVIEW_EXTENSION, Action.PAUSE, Action.RESUME):
        _check_is_authority(actor, _owning_authority(state), "owning")
    elif action == Action.VERIFY:
        owner_index = region_index(state, _owning_authority(state))
        if owner_index is not None and held_at < owner_index:
            raise forbidden(
                "above_listing_authority",
                "核查验收由挂牌督办机关或其下级机关负责",
                "verification belongs to the listing authority or a lower authority that holds the hazard",
            )
    check_separation_of_duties(action, actor, state)


def check_separation_of_duties(action: Action, actor: Actor, state: HazardState) -> None:
    """Four eyes: whoever passed the verification of a major hazard does not close it (when the policy asks),
    and nobody decides an extension they asked for themselves."""
    if action == Action.CLOSE and state.level == HazardLevel.MAJOR and state.policy.four_eyes_major:
        passed = [v for v in state.verifications if v.decision == "pass"]
        if passed and passed[-1].by.user_id == actor.user_id:
            raise forbidden(
                "four_eyes",
                "核查验收人不得同时办理销号（四眼原则），请由另一名督办人员销号",
                "four eyes: the supervisor who verified this major hazard may not also close it; another supervisor must",
            )
    if action == Action.REVIEW_EXTENSION:
        pending = [e for e in state.extensions if e.status == "pending"]
        if pending and pending[-1].requested_by.user_id == actor.user_id:
            raise forbidden(
                "own_request",
                "不得审批本人提出的延期申请",
                "nobody decides an extension request they made themselves",
            )


def _owning_authority(state: HazardState) -> str | None:
    """The listing authority of a listed hazard; None for a general one (any supervisor holding it may act)."""
    if state.level == HazardLevel.MAJOR and state.listing is not None:
        return state.listing.authority_code
    return None


def _check_is_authority(actor: Actor, authority_code: str | None, what: str) -> None:
    if authority_code is not None and actor.jurisdiction_code != authority_code:
        raise forbidden(
            "not_listing_authority",
            f"只有挂牌督办机关（{authority_code}）的督办人员可以执行此操作",
            f"only a supervisor of the {what} authority ({authority_code}) may do this",
        )
