"""The official document's human action: a leader's signature. The Update belongs to the workflow
that owns the document (a hazard's documents: HazardWorkflow.sign)."""

from models.documents import DocumentStatus, SignBody
from models.enums import Action, Role
from registry.base import ActionSpec, ProcessRegistry

DOCUMENT = ProcessRegistry(
    process="document",
    label_zh="公文",
    label_en="official document",
    actions=(
        ActionSpec(Action.SIGN, SignBody, frozenset({Role.LEADER}), frozenset({DocumentStatus.DRAFT}),
                   "a leader of the issuing authority", "签发", "Sign",
                   refusals=("not_a_leader", "not_issuing_authority", "already_signed", "no_signature_needed",
                             "duties_not_separated")),
    ),
)
