"""Benches 1 and 2: intake (hazards reported through the API until visible in the read model, vs starting a
trivial workflow) and a human action's round trip (assess until projected, vs a bare Update)."""

import asyncio
import time
import uuid
from typing import Any

import httpx

from bench.stack import Stack, Trivial, hazard_body, pool, quantile, token
from core.db import make_engine

# --- 1. intake -------------------------------------------------------------------------------------------------


async def bench_intake(s: Stack, n: int, concurrency: int = 50) -> dict[str, float]:
    from sqlalchemy import text

    engine = make_engine(s.settings.sqlalchemy_url)
    with engine.connect() as conn:
        before = conn.execute(text("SELECT count(*) FROM hazard")).scalar_one()
    async with httpx.AsyncClient(base_url=s.base_url, timeout=120, limits=httpx.Limits(max_connections=concurrency)) as http:
        headers = await token(http, "inspector")
        began = time.perf_counter()

        async def post(i: int) -> None:
            reply = await http.post("/api/v1/hazards", json=hazard_body(i), headers=headers)
            assert reply.status_code in (201, 202), reply.text

        await pool(n, concurrency, post)
        while True:  # counted when every row is visible in the read model
            with engine.connect() as conn:
                if conn.execute(text("SELECT count(*) FROM hazard")).scalar_one() - before >= n:
                    break
            await asyncio.sleep(0.02)
        api_rate = n / (time.perf_counter() - began)
    engine.dispose()
    began = time.perf_counter()
    ids: list[str] = []

    async def start(i: int) -> None:
        wid = f"trivial-{uuid.uuid4().hex}"
        await s.client.start_workflow(Trivial.run, id=wid, task_queue=f"{s.task_queue}-bare")
        ids.append(wid)

    await pool(n, concurrency, start)
    bare_rate = n / (time.perf_counter() - began)
    for wid in ids:
        await s.client.get_workflow_handle(wid).signal(Trivial.finish)
    return {"hazards/s": api_rate, "bare starts/s": bare_rate, "ratio": api_rate / bare_rate}


# --- 2. a human action's round trip ------------------------------------------------------------------------------


async def bench_action(s: Stack, n: int) -> dict[str, float]:
    out: dict[str, float] = {}
    async with httpx.AsyncClient(base_url=s.base_url, timeout=120) as http:
        inspector = await token(http, "inspector")
        codes: list[str] = []

        async def report(i: int) -> None:
            reply = await http.post("/api/v1/hazards", json=hazard_body(i), headers=inspector)
            assert reply.status_code == 201, reply.text
            codes.append(reply.json()["code"])

        await pool(2 * n, 20, report)
        body = {"level": "general", "rectification": "immediate"}
        for concurrency, batch in ((1, codes[:n]), (20, codes[n:])):
            latencies: list[float] = []

            async def act(i: int, batch: list[str] = batch, latencies: list[float] = latencies) -> None:
                began = time.perf_counter()
                reply = await http.post(f"/api/v1/hazards/{batch[i]}/actions/assess", json=body, headers=inspector)
                assert reply.status_code == 200 and reply.json()["status"] == "acceptance_requested", reply.text
                latencies.append((time.perf_counter() - began) * 1000)

            await pool(len(batch), concurrency, act)
            bare: list[float] = []
            handles = [await s.client.start_workflow(Trivial.run, id=f"bare-{uuid.uuid4().hex}", task_queue=f"{s.task_queue}-bare")
                       for _ in range(concurrency)]

            async def touch(i: int, bare: list[float] = bare, handles: list[Any] = handles) -> None:
                began = time.perf_counter()
                await handles[i % len(handles)].execute_update(Trivial.touch)
                bare.append((time.perf_counter() - began) * 1000)

            await pool(len(batch), concurrency, touch)
            for handle in handles:
                await handle.signal(Trivial.finish)
            key = "seq" if concurrency == 1 else "c20"
            out[f"{key} p50 ms"] = quantile(latencies, 0.5)
            out[f"{key} p99 ms"] = quantile(latencies, 0.99)
            out[f"{key} bare p50 ms"] = quantile(bare, 0.5)
            out[f"{key} bare p99 ms"] = quantile(bare, 0.99)
            out[f"{key} p99 ratio"] = out[f"{key} p99 ms"] / out[f"{key} bare p99 ms"]
    return out
