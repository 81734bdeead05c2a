"""A leader's sign-off of a document that no process workflow owns: a circular (通报) is issued by a
service, not by a workflow, so its draft waits on `SignOffWorkflow` (workflow id `signoff-<document id>-<drafted at>`): the
sign clock with reminders and a government-side lapse, and the `sign` Update. The contracts of that workflow."""

from datetime import datetime
from typing import Literal

from pydantic import Field

from models.actors import Actor
from models.base import Frozen
from models.clock import Notice, PlannedClock
from models.documents import IssuedDocument


class SignOffStart(Frozen):
    """What the workflow starts from: the draft (its source to re-render with the signer's name), the record it
    belongs to, and the policy's numbers."""

    record_kind: Literal["circular"]
    record_id: str  # e.g. CR-371700-20261101-20261130
    document: IssuedDocument
    superior_code: str | None = None  # a lapse is told to the issuing authority and to this one
    sign_working_days: int = Field(ge=1)
    reminder_fractions: tuple[float, ...] = ()
    reminder_working_days_before: tuple[int, ...] = ()


class SignOffState(Frozen):
    start: SignOffStart
    document: IssuedDocument
    clock: PlannedClock | None = None
    seq: int = Field(default=1, ge=1)  # the record's audit trail: its issuing is seq 1

    @property
    def documents(self) -> tuple[IssuedDocument, ...]:
        """As every owner of documents answers them (a hazard's, a tour's): here, the one draft."""
        return (self.document,)

    @property
    def signed(self) -> bool:
        return self.document.signature is not None


class SignOffStep(Frozen):
    """One step (a reminder, a lapse, the signature) and the state after it: the `project_signoff` activity's
    input, keyed (record, seq)."""

    seq: int
    at: datetime
    actor: Actor
    action: Literal["reminder", "deadline-missed", "sign"]
    comment: str
    reason: str
    notices: tuple[Notice, ...] = ()
    state: SignOffState


def signoff_workflow_id(document: IssuedDocument) -> str:
    """One per draft: its id and the instant it was drafted (a read model rebuilt from nothing drafts anew)."""
    return f"signoff-{document.id}-{document.drafted_at:%Y%m%dT%H%M%S%f}"
