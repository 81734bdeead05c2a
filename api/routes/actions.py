"""The human-action routes of a process, generated from its registry: one `POST {record}/actions/{name}` per
declared action (its body, summary and refusals from the `ActionSpec`), the 202 while the read model catches up,
and the 404 naming the actions there are for any other name."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlmodel import Session

from api.deps import CurrentUser, SessionDep, TemporalDep
from registry.base import ActionSpec, ProcessRegistry
from services.errors import refused
from services.principal import Principal
from services.schemas import ErrorOut, action_description

REFUSALS: dict[int | str, dict[str, Any]] = {status: {"model": ErrorOut} for status in (401, 403, 404, 409, 422)}


@dataclass(frozen=True)
class ActionRoutes:
    """How a process's actions are served.

    `record` is the record's path with its id parameter (`/interviews/{interview_id}`); `act` takes the action
    (keyword arguments `session`, `principal`, `client`, `action`, `body` and the id under the parameter's name)
    and returns the record's row, or None when accepted but not yet recorded; `present` turns the row into
    `response_model`. `id_key` names the id in the 202 body. The hazard's routes came first and are
    `unqualified`: their operation ids and summaries do not name the process.
    """

    registry: ProcessRegistry
    record: str
    response_model: type[BaseModel]
    act: Callable[..., Any]
    present: Callable[[Session, Any, Principal], BaseModel]
    id_key: str = "id"
    unqualified: bool = False

    @property
    def param(self) -> str:
        return self.record.rsplit("{", 1)[-1].rstrip("}")

    def add_to(self, router: APIRouter) -> None:
        """Add every declared action's route, then the catch-all 404 for any other action name."""
        for spec in self.registry.actions:
            self._add_action(router, spec)
        add_unknown_action(router, self.record, self.registry)

    def _add_action(self, router: APIRouter, spec: ActionSpec) -> None:
        routes = self

        def take_action(
            record_id: Annotated[str, Path(alias=routes.param)], body: spec.body,  # type: ignore[name-defined]
            session: SessionDep, principal: CurrentUser, client: TemporalDep,
        ) -> Any:
            row = routes.act(session=session, principal=principal, client=client, action=spec.action, body=body,
                             **{routes.param: record_id})
            if row is None:
                return JSONResponse({routes.id_key: record_id, "detail": {
                    "code": "accepted", "message_zh": "操作已受理，正在处理", "message_en": "accepted; still being recorded"}},
                    status_code=202)
            return routes.present(session, row, principal)

        process = self.registry.process
        take_action.__name__ = f"{'' if self.unqualified else process + '_'}action_{spec.name.replace('-', '_')}"
        router.add_api_route(
            f"{self.record}/actions/{spec.name}", take_action, methods=["POST"], response_model=self.response_model,
            responses=REFUSALS, summary=f"{'' if self.unqualified else process + ': '}{spec.label_en} ({spec.label_zh})",
            description=action_description(self.registry, spec),
        )


def add_unknown_action(router: APIRouter, record: str, registry: ProcessRegistry) -> None:
    """`POST {record}/actions/{name}` for a name the registry does not have: 404 naming the actions there are.
    Added after the declared actions' routes, which match first."""
    known = ", ".join(registry.names)

    def unknown_action(action: str) -> None:
        raise refused(404, "unknown_action", action=action, known=known)

    router.add_api_route(f"{record}/actions/{{action}}", unknown_action, methods=["POST"], include_in_schema=False)
