"""Connecting to Temporal: the embedded dev server, a self-hosted cluster, or Temporal Cloud."""

import asyncio
import sys
from pathlib import Path

from temporalio.client import Client, TLSConfig

from core.codec import data_converter
from core.logging import get_logger
from core.settings import Settings

BIN_DIR = Path(sys.executable).parent  # the venv's bin: never rely on PATH (see the README's pitfalls)


def temporal_cli() -> Path:
    return BIN_DIR / "temporal"


def time_skipping_server_binary() -> Path:
    return BIN_DIR / "temporal-test-server"


def tls_config(settings: Settings) -> TLSConfig | bool:
    if not (settings.temporal_tls or settings.temporal_api_key or settings.temporal_tls_cert):
        return False
    return TLSConfig(
        server_root_ca_cert=settings.temporal_tls_ca.read_bytes() if settings.temporal_tls_ca else None,
        client_cert=settings.temporal_tls_cert.read_bytes() if settings.temporal_tls_cert else None,
        client_private_key=settings.temporal_tls_key.read_bytes() if settings.temporal_tls_key else None,
    )


async def connect(settings: Settings) -> Client:
    return await Client.connect(
        settings.temporal_target,
        namespace=settings.temporal_namespace,
        data_converter=data_converter(settings),
        tls=tls_config(settings),
        api_key=settings.temporal_api_key,
    )


async def connect_with_retry(settings: Settings, attempts: int = 60) -> Client:
    """Connect, waiting for a server that is still starting (compose, or `make run` on a slow machine)."""
    log = get_logger("duban.temporal")
    for attempt in range(1, attempts + 1):
        try:
            return await connect(settings)
        except Exception as error:
            if attempt == attempts:
                raise
            log.info("waiting for Temporal", target=settings.temporal_target, error=str(error))
            await asyncio.sleep(1)
    raise AssertionError("unreachable")
