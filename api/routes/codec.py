"""The Temporal Web UI's remote codec (Temporal's codec-server protocol), for signed-in auditors and admins.

The UI POSTs `{"payloads": [...]}` (protobuf JSON: base64 metadata values and data) to `<endpoint>/decode`
with an `X-Namespace` header and shows the payloads it gets back. Configure the UI with
`TEMPORAL_CODEC_ENDPOINT=<api>/api/v1/codec` and either `TEMPORAL_CODEC_PASS_ACCESS_TOKEN=true` (the UI's
OIDC token, which Duban accepts when `DUBAN_OIDC_*` names the same provider) or
`TEMPORAL_CODEC_INCLUDE_CREDENTIALS=true` (Duban's session cookie, when the UI is served from the same site).

Decoding shows everything a hazard's workflow carries (descriptions, whistleblower reports, actors), so it
is an auditor's or an admin's right only. `/encode` is refused to everyone: a payload encrypted with the
installation's key is a command the worker accepts, and commands go through the API's checks.
"""

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Request, Response
from google.protobuf import json_format
from temporalio.api.common.v1 import Payloads

from api.deps import BrowserOrApiUser, SettingsDep
from core.codec import PayloadKeyError, reader_codec
from core.settings import Settings
from models.enums import Role
from services.codec_schemas import CodecPayloads
from services.errors import refused

router = APIRouter(prefix="/codec", tags=["codec"])
PREFIX = "/api/v1/codec/"
DECODERS = {Role.AUDITOR, Role.ADMIN}


def _payloads(body: dict[str, Any]) -> Payloads:
    try:
        return json_format.ParseDict(body, Payloads(), ignore_unknown_fields=True)
    except Exception as error:  # noqa: BLE001 - ParseError, or a value of the wrong JSON type
        raise refused(422, "codec_bad_payloads", error=error) from error


@router.post("/decode", response_model=CodecPayloads, response_model_exclude_unset=True)
def decode(
    principal: BrowserOrApiUser,
    settings: SettingsDep,
    body: Annotated[dict[str, Any], Body()],
    x_namespace: Annotated[str | None, Header()] = None,
) -> CodecPayloads:
    """Decrypt payloads for the Temporal Web UI; payloads written before the codec come back as they are."""
    if principal.actor.role not in DECODERS:
        raise refused(403, "codec_forbidden")
    if x_namespace and x_namespace != settings.temporal_namespace:
        raise refused(403, "codec_wrong_namespace", namespace=settings.temporal_namespace)
    payloads = _payloads(body)
    codec = reader_codec(settings)
    try:
        decoded = Payloads(payloads=[codec.decrypt(p) for p in payloads.payloads])
    except (PayloadKeyError, ValueError) as error:
        raise refused(422, "codec_undecryptable", error=error) from error
    except Exception as error:  # noqa: BLE001 - cryptography's InvalidTag: altered or another installation's
        raise refused(422, "codec_undecryptable", error="altered, or another key") from error
    return CodecPayloads.model_validate(json_format.MessageToDict(decoded))


@router.post("/encode", status_code=403, response_description="refused to everyone (`codec_encode_refused`)")
def encode(principal: BrowserOrApiUser) -> None:
    """Refused to everyone: commands reach workflows through the API, which checks them first."""
    raise refused(403, "codec_encode_refused")


def codec_cors(settings: Settings) -> Callable[[Request, Callable[[Request], Awaitable[Response]]], Awaitable[Response]]:
    """CORS for the Temporal Web UI's origins on the codec routes only, with credentials (cookie or token)."""
    origins = set(settings.codec_origins)

    async def middleware(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        origin = request.headers.get("origin")
        if not request.url.path.startswith(PREFIX) or origin not in origins:
            return await call_next(request)
        headers = {
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Allow-Credentials": "true",
            "Vary": "Origin",
        }
        if request.method == "OPTIONS":
            return Response(status_code=204, headers={
                **headers,
                "Access-Control-Allow-Methods": "POST, OPTIONS",
                "Access-Control-Allow-Headers": "authorization, content-type, x-namespace",
                "Access-Control-Max-Age": "600",
            })
        response = await call_next(request)
        response.headers.update(headers)
        return response

    return middleware
