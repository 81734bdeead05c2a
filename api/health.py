"""`GET /healthz`: each component the API needs, checked with bounded timeouts.

`{"status": "ok" | "degraded", "components": {"database": {"ok", "detail"}, "temporal": {"ok", "detail"}}}`,
200 when every component answers, 503 (with `Retry-After`) otherwise. Quick: each check gives up after
`CHECK_SECONDS`, and both run at once."""

import asyncio
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, text
from temporalio.api.workflowservice.v1 import GetSystemInfoRequest

from api.handlers import unavailable_headers

CHECK_SECONDS = 3.0
router = APIRouter(include_in_schema=False)


def _ping(engine: Engine) -> None:
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


async def check_database(engine: Engine | None) -> dict[str, Any]:
    if engine is None:
        return {"ok": False, "detail": "not started"}
    try:
        await asyncio.wait_for(asyncio.to_thread(_ping, engine), CHECK_SECONDS)
    except TimeoutError:
        return {"ok": False, "detail": f"no answer within {CHECK_SECONDS:g} s"}
    except Exception as error:  # noqa: BLE001 - any failure is the answer
        return {"ok": False, "detail": _first_line(error)}
    return {"ok": True, "detail": engine.dialect.name}


async def check_temporal(client: Any) -> dict[str, Any]:
    if client is None:
        return {"ok": False, "detail": "not connected"}
    try:
        await asyncio.wait_for(
            client.workflow_service.get_system_info(
                GetSystemInfoRequest(), retry=False, timeout=timedelta(seconds=CHECK_SECONDS)
            ),
            CHECK_SECONDS + 0.5,
        )
    except TimeoutError:
        return {"ok": False, "detail": f"no answer within {CHECK_SECONDS:g} s"}
    except Exception as error:  # noqa: BLE001
        return {"ok": False, "detail": _first_line(error)}
    return {"ok": True, "detail": str(client.service_client.config.target_host)}


def _first_line(error: BaseException) -> str:
    words = str(error).strip().splitlines()
    return f"{type(error).__name__}: {words[0][:200]}" if words else type(error).__name__


@router.get("/healthz")
async def healthz(request: Request) -> JSONResponse:
    database, temporal = await asyncio.gather(
        check_database(getattr(request.app.state, "engine", None)),
        check_temporal(getattr(request.app.state, "temporal", None)),
    )
    ok = database["ok"] and temporal["ok"]
    body = {"status": "ok" if ok else "degraded", "components": {"database": database, "temporal": temporal}}
    return JSONResponse(body, status_code=200 if ok else 503, headers=None if ok else unavailable_headers())
