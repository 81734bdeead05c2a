"""The Temporal Web UI's remote codec as the API answers it (`POST /codec/decode`): Temporal's codec-server
protocol, payloads in protobuf JSON. Pure response models.

Protobuf JSON leaves out an empty field (no payloads, no metadata, no data), and so does the answer: the route
serialises what was set only."""

from pydantic import BaseModel, Field


class ExternalPayloadDetails(BaseModel):
    """Where a payload's data is stored outside the history: its size."""

    sizeBytes: str = Field(default="0", description="an int64, written as text (protobuf JSON)")


class CodecPayload(BaseModel):
    """One Temporal payload: its metadata (`encoding`, ...) and data, each value base64."""

    metadata: dict[str, str] = Field(default_factory=dict, description="metadata name → base64 value")
    data: str = Field(default="", description="base64")
    externalPayloads: list[ExternalPayloadDetails] = Field(default_factory=list)  # protobuf JSON names it so


class CodecPayloads(BaseModel):
    """The payloads, decoded, in the order they were sent."""

    payloads: list[CodecPayload] = Field(default_factory=list)
