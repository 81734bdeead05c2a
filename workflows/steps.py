"""The step machine every human-step workflow owns (hazard, interview, campaign, tour, sign-off): check → act →
record → project → answer once projected, written once.

A workflow owns one `StepMachine` as an attribute, the way a workflow owns a timer object: the machine holds the
process's state, the outbox of projection items and the one concurrency rule, and the workflow keeps its handlers
(`@workflow.update`, `@workflow.signal`, `@workflow.query`) and its rules. The rule: one change at a time (an
`asyncio.Lock` around check + act + record, so a step that awaits an activity, a calendar or a render, never
interleaves with another), and projection in sequence order, one item at a time, outside that lock (so the read
model never goes back and a slow projection does not hold up the next check).

The machine issues no command of its own beyond the projection activity it is given (through `calls.project`);
taking an uncontended lock does not yield, so a workflow moved onto the machine issues the commands it issued
before. The one exception is gated: see `act(..., overlap=...)`.
"""

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any, Generic, Protocol, TypeVar

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from workflows import calls

ONE_CHANGE_AT_A_TIME = "one-change-at-a-time"


class HasState(Protocol):
    @property
    def state(self) -> Any: ...


Item = TypeVar("Item", bound=HasState)
State = TypeVar("State")


class StepMachine(Generic[Item, State]):
    """One process's state, its outbox of projection items and its one concurrency rule.

    `projection` is the process's projection activity (run once per item, in order, through `calls.project`);
    `seq` reads an item's sequence number; `log` gives the context (ids) a recorded item is logged with."""

    def __init__(
        self,
        state: State,
        *,
        name: str,
        projection: Callable[[Any, Item], object],
        seq: Callable[[Item], int],
        log: Callable[[Item], dict[str, object]],
    ) -> None:
        self.state = state
        self.outbox: list[Item] = []
        self.changes = 0  # every change a waiting loop should wake for: a step, a signal, a re-planned clock
        self.projected_seq = 0
        self._name = name
        self._projection = projection
        self._seq = seq
        self._log = log
        self._acting = asyncio.Lock()
        self._projecting = asyncio.Lock()
        self._waiting = 0  # acts inside or waiting for the lock (an act that finds it > 0 overlaps another)

    # --- the parts -------------------------------------------------------------------------------------

    def one_at_a_time(self) -> AbstractAsyncContextManager[Any]:
        """The one-change-at-a-time lock, for a step the workflow takes by hand (a system step, a plan)."""
        return self._acting

    def changed(self) -> None:
        """Count a change that is not a recorded item (a signal queued, reminders planned): it wakes the loop."""
        self.changes += 1

    def changed_since(self, seen: int) -> Callable[[], bool]:
        return lambda: self.changes != seen

    def record(self, *items: Item) -> None:
        """Queue the items for projection and take the last one's state as the truth (one change)."""
        self.outbox.extend(items)
        self.state = items[-1].state
        self.changes += 1
        for item in items:
            self._logged(item)

    async def project(self) -> None:
        """Project the queued items in sequence order, one at a time; on return every item queued before the call
        is projected (another caller may have projected some of them)."""
        async with self._projecting:
            while self.outbox:
                item = self.outbox[0]
                await calls.project(self._projection, item)
                self.projected_seq = self._seq(item)
                self.outbox.pop(0)

    async def take(self, item: Item) -> None:
        """Project the item first, then take its state (for a process whose state must not get ahead of its
        record: a sign-off is signed once the signature's record is issued). Used by a machine that never queues."""
        assert not self.outbox, "take() projects at once: it would pass the queued items"
        async with self._projecting:
            await calls.project(self._projection, item)
            self.projected_seq = self._seq(item)
        self.state = item.state
        self.changes += 1
        self._logged(item)

    async def wait_projected(self, seq: int) -> State:
        """The state once the item numbered `seq` is projected (an Update-with-start's answer)."""
        await workflow.wait_condition(lambda: self.projected_seq >= seq)
        return self.state

    # --- the step --------------------------------------------------------------------------------------

    async def act(
        self,
        check: Callable[[], None],
        make: Callable[[], Item | tuple[Item, ...] | Awaitable[Item | tuple[Item, ...]]],
        *,
        overlap: bool = False,
    ) -> State:
        """One human step: check again under the lock (another step may have moved the state since the validator
        ran), build the item, or several items making one change (sync, or awaited: a calendar, a render), record
        them, release the lock, project, and answer with the state the step made once it is projected.

        `overlap`: the workflow's steps used to run side by side (each `make` re-applies itself when another step
        landed meanwhile). A step that finds another in flight waits its turn only behind the
        `one-change-at-a-time` patch; a history recorded before it replays side by side, as it ran."""
        self._waiting += 1
        try:
            if overlap and self._waiting > 1 and not workflow.patched(ONE_CHANGE_AT_A_TIME):
                state = await self._make_and_record(check, make)
            else:
                async with self._acting:
                    state = await self._make_and_record(check, make)
        finally:
            self._waiting -= 1
        await self.project()
        return state

    async def _make_and_record(self, check: Callable[[], None], make: Callable[[], Any]) -> State:
        check()
        made = make()
        if inspect.isawaitable(made):
            made = await made
        self.record(*(made if isinstance(made, tuple) else (made,)))
        return self.state

    def _logged(self, item: Item) -> None:
        workflow.logger.info(f"{self._name} transition", extra={"seq": self._seq(item), **self._log(item)})
