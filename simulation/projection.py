"""The read model's stand-in in the simulation: each hazard's and interview's last state, as the workflows project it."""

from collections import Counter
from datetime import datetime

from temporalio import activity

from domain import clocks, interviews
from models.enums import Action
from models.hazard import HazardState, ProjectionItem, ProjectionReceipt
from models.interview import InterviewProjection, InterviewReceipt, InterviewState
from simulation.model import S


class LastStateProjection:
    """The read model's stand-in: each hazard's and interview's last state, and counts of system steps."""

    def __init__(self) -> None:
        self.hazards: dict[str, HazardState] = {}
        self.interviews: dict[str, InterviewState] = {}
        self.steps: Counter[str] = Counter()  # action (and reason for lapses) of every transition, counted once
        self.completed_at: dict[str, datetime] = {}  # last transition into acceptance_requested

    @activity.defn(name="project_transition")
    async def project_transition(self, item: ProjectionItem) -> ProjectionReceipt:
        code = item.state.code
        last = self.hazards.get(code)
        if last is not None and last.seq >= item.transition.seq:
            return ProjectionReceipt.of(item, False)
        self.hazards[code] = item.state
        t = item.transition
        self.steps[t.action.value] += 1
        if t.action == Action.DEADLINE_MISSED and t.reason:
            self.steps[f"missed:{t.reason.removesuffix('_deadline')}"] += 1
        if t.to_status == S.ACCEPTANCE_REQUESTED and t.from_status != S.ACCEPTANCE_REQUESTED:
            self.completed_at[code] = t.at
        return ProjectionReceipt.of(item, True)

    @activity.defn(name="project_interview")
    async def project_interview(self, item: InterviewProjection) -> InterviewReceipt:
        self.interviews[item.state.workflow_id] = item.state  # an interview projects its steps in order
        return InterviewReceipt.of(item, True)

    def timers_between(self, start: datetime, end: datetime) -> list[datetime]:
        """The instants in [start, end] at which a hazard or an interview waits on a timer, as last projected."""
        instants = [clocks.next_wake(s) for s in self.hazards.values() if not s.status.terminal]
        instants += [interviews.deadline_watched(i) for i in self.interviews.values()]
        return sorted(i for i in instants if i is not None and start <= i <= end)
