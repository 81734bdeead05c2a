"""Who may act on a hazard (docs/domain.md §2)."""

from domain.refusals import refuse
from models import labels
from models.actions import ListBody
from models.actors import Actor
from models.enums import Action, AuthorityLevel, HazardLevel, JurisdictionLevel, Role
from models.hazard import HazardState, JurisdictionRef
from models.labels import zh
from registry.hazard import HAZARD

ROLES_FOR: dict[Action, frozenset[Role]] = {Action(spec.name): spec.roles for spec in HAZARD.actions}

LEVEL_ZH = {AuthorityLevel.COUNTY: "县", AuthorityLevel.CITY: "市", AuthorityLevel.PROVINCE: "省"}

ROLE_ZH = zh(labels.ROLE)


def region_index(state: HazardState, jurisdiction_code: str | None) -> int | None:
    """Where `jurisdiction_code` stands in the hazard's region chain (0 = root), or None if it does not hold it."""
    for index, ref in enumerate(state.facts.region_path):
        if ref.code == jurisdiction_code:
            return index
    return None


def may_see_record(actor: Actor, region_path: tuple[JurisdictionRef, ...], enterprise_uscc: str) -> bool:
    """The one rule of who sees a record of a region and an enterprise (a hazard, an interview, ...): admins
    and the system everything, an enterprise its own, staff what a jurisdiction of theirs holds."""
    if actor.role in (Role.ADMIN, Role.SYSTEM):
        return True
    if actor.role == Role.ENTERPRISE:
        return actor.enterprise_uscc == enterprise_uscc
    return any(ref.code == actor.jurisdiction_code for ref in region_path)


def may_see(actor: Actor, state: HazardState) -> bool:
    return may_see_record(actor, state.facts.region_path, state.facts.enterprise_uscc)


def authority_for(state: HazardState, level: AuthorityLevel) -> JurisdictionRef:
    """The jurisdiction whose committee lists the hazard at `level` (the hazard's ancestor at that level)."""
    wanted = JurisdictionLevel(level.value)
    for ref in state.facts.region_path:
        if ref.level == wanted:
            return ref
    raise refuse("no_authority_at_level", "authority_level", level=level.value, level_zh=LEVEL_ZH[level])


def check_role(action: Action, actor: Actor) -> None:
    """Raise a 403 refusal unless `actor`'s role may ever take `action`."""
    allowed = ROLES_FOR[action]
    if actor.role not in allowed:
        raise refuse(
            "role_not_allowed",
            role=actor.role.value,
            role_zh=ROLE_ZH[actor.role],
            action=action.value,
            action_zh=f"执行“{action.value}”",
            roles=", ".join(sorted(allowed)),
            roles_zh="、".join(ROLE_ZH[r] for r in sorted(allowed)),
        )


def acting_authority(action: Action, state: HazardState, actor: Actor, body: object | None) -> str | None:
    """The listing authority `actor` would act as: for `list`, the authority at the level its body chooses (no
    body yet: the actor's own jurisdiction, as the task list and the allowed actions ask); None otherwise."""
    if action != Action.LIST:
        return None
    if isinstance(body, ListBody):
        return authority_for(state, body.authority_level).code
    return actor.jurisdiction_code


def check_jurisdiction(action: Action, actor: Actor, state: HazardState, body: object | None = None) -> None:
    """Raise a 403 refusal unless `actor` may act on this hazard from where they stand (for `list`, as the
    authority its body chooses: `acting_authority`)."""
    authority_code = acting_authority(action, state, actor, body)
    if actor.role == Role.ENTERPRISE:
        if actor.enterprise_uscc != state.facts.enterprise_uscc:
            raise refuse("not_your_enterprise", subject="hazards", subject_zh="隐患")
        return
    held_at = region_index(state, actor.jurisdiction_code)
    if held_at is None:
        raise refuse("outside_jurisdiction", subject="hazard", subject_zh="隐患")
    if action == Action.LIST:
        _check_is_authority(actor, authority_code, "listing")
        _check_tour_listing(state, authority_code)
    elif action in (Action.REVIEW_PLAN, Action.CLOSE, Action.REVIEW_EXTENSION, Action.PAUSE, Action.RESUME, Action.PUBLISH):
        _check_is_authority(actor, _owning_authority(state), "owning")
    elif action == Action.VERIFY:
        owner_index = region_index(state, _owning_authority(state))
        if owner_index is not None and held_at < owner_index:
            raise refuse("above_listing_authority")
    check_separation_of_duties(action, actor, state)


def excluded_user(action: Action, state: HazardState) -> tuple[str, str] | None:
    """The one user separation of duties keeps from `action`, and the refusal's code: whoever passed the
    verification of a major hazard does not close it (when the policy asks: four eyes), and nobody decides an
    extension they asked for themselves. The validators refuse them; "my tasks" leaves the step off their list."""
    if action == Action.CLOSE and state.level == HazardLevel.MAJOR and state.policy.four_eyes_major:
        passed = [v for v in state.verifications if v.decision == "pass"]
        return (passed[-1].by.user_id, "four_eyes") if passed else None
    if action == Action.REVIEW_EXTENSION:
        pending = [e for e in state.extensions if e.status == "pending"]
        return (pending[-1].requested_by.user_id, "own_request") if pending else None
    return None


def check_separation_of_duties(action: Action, actor: Actor, state: HazardState) -> None:
    excluded = excluded_user(action, state)
    if excluded is not None and excluded[0] == actor.user_id:
        raise refuse(excluded[1])


def _owning_authority(state: HazardState) -> str | None:
    """The listing authority of a listed hazard; None for a general one (any supervisor holding it may act)."""
    if state.level == HazardLevel.MAJOR and state.listing is not None:
        return state.listing.authority_code
    return None


def _check_tour_listing(state: HazardState, authority_code: str | None) -> None:
    """A major hazard an inspection tour found is listed by the tour's organizing committee (seed 002:
    重大隐患由市安委会挂牌督办)."""
    tour_authority = state.facts.tour_authority_code
    if tour_authority is not None and authority_code != tour_authority:
        raise refuse("tour_hazard_listing", "authority_level", authority=tour_authority)


def _check_is_authority(actor: Actor, authority_code: str | None, what: str) -> None:
    if authority_code is not None and actor.jurisdiction_code != authority_code:
        raise refuse("not_listing_authority", authority=authority_code, what=what)
