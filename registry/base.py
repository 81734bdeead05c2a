"""What every process's registry declares about each of its human actions."""

from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel

from models.enums import Role


@dataclass(frozen=True)
class ActionSpec:
    """One human action of a process, declared once.

    `name` is the action's path segment in the API and its Update's name in the workflow; `body` the model
    both validate; `roles` who may ever take it and `authority` which of them for this record (in words, the
    rule itself is in `domain/`); `allowed_from` the states it applies in; `task` whether someone owes it
    (it then appears in "my tasks"), due by `clock` when one runs; `refusals` every code its rules can raise.
    """

    action: StrEnum
    body: type[BaseModel]
    roles: frozenset[Role]
    allowed_from: frozenset[StrEnum]
    authority: str
    label_zh: str
    label_en: str
    task: bool = False
    clock: str | None = None
    refusals: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return str(self.action.value)


COMMON_REFUSALS = ("role_not_allowed", "wrong_state", "not_your_enterprise", "invalid_input")


@dataclass(frozen=True)
class ProcessRegistry:
    """A process's actions, in the order its pages show them."""

    process: str  # hazard, interview, ...
    label_zh: str
    label_en: str
    actions: tuple[ActionSpec, ...]

    def __post_init__(self) -> None:
        names = [spec.name for spec in self.actions]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.process}: an action is declared twice")

    def spec(self, action: str) -> ActionSpec:
        for spec in self.actions:
            if spec.name == action:
                return spec
        raise KeyError(action)

    def get(self, action: str) -> ActionSpec | None:
        return next((spec for spec in self.actions if spec.name == action), None)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(spec.name for spec in self.actions)

    @property
    def tasks(self) -> frozenset[str]:
        return frozenset(spec.name for spec in self.actions if spec.task)

    def refusal_codes(self, spec: ActionSpec) -> tuple[str, ...]:
        return (*COMMON_REFUSALS, *spec.refusals)
