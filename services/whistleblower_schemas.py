"""A whistleblower report's parts that only some staff read, as the API answers them. Pure response models."""

from pydantic import BaseModel, Field


class ContactOut(BaseModel):
    """`GET /whistleblower/reports/{id}/contact`: the reporter's contact, to a whistleblower officer only."""

    contact: str | None = Field(description="as the reporter gave it; null when they left none")
