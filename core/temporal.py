"""Connecting to Temporal: the embedded dev server, a self-hosted cluster, or Temporal Cloud."""

import asyncio
import logging
import sys
from functools import lru_cache
from pathlib import Path

from temporalio.client import Client, TLSConfig
from temporalio.runtime import (
    LogForwardingConfig,
    LoggingConfig,
    PrometheusConfig,
    Runtime,
    TelemetryConfig,
    TelemetryFilter,
)
from temporalio.service import RetryConfig

from core.codec import data_converter
from core.logging import get_logger
from core.settings import Settings

# The API's client gives up on an unreachable frontend within about two seconds (the SDK's default retries for
# ten), so a request during an outage answers 503 at once; the worker keeps the SDK's defaults.
API_RETRY = RetryConfig(initial_interval_millis=100, max_interval_millis=1000, max_elapsed_time_millis=2000, max_retries=5)

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


CORE_LOGGER = "temporalio.core"


def sdk_runtime(metrics_address: str | None = None) -> Runtime:
    """The SDK core's runtime, one per process and metrics address (each runtime has its own threads and
    binds its metrics port once).

    Its own log lines (the Rust core's "Failing workflow task", warnings) go to the Python logger
    `temporalio.core`, so they come out through core/logging's JSON renderer instead of as coloured text.
    With `metrics_address`, the core serves its Prometheus metrics (`temporal_*`, durations in seconds) there.
    """
    return _runtime(metrics_address or None)


@lru_cache
def _runtime(metrics_address: str | None) -> Runtime:
    return Runtime(
        telemetry=TelemetryConfig(
            logging=LoggingConfig(
                filter=TelemetryFilter(core_level="WARN", other_level="WARN"),
                forwarding=LogForwardingConfig(
                    logger=logging.getLogger(CORE_LOGGER),
                    append_target_to_name=False,  # core/logging puts the target in `core_target`
                    prepend_target_on_message=False,
                    append_log_fields_to_message=False,  # core/logging lifts them into keys
                ),
            ),
            metrics=PrometheusConfig(bind_address=metrics_address, durations_as_seconds=True)
            if metrics_address
            else None,
        )
    )


async def connect(
    settings: Settings, retry_config: RetryConfig | None = None, metrics_address: str | None = None
) -> Client:
    return await Client.connect(
        settings.temporal_target,
        namespace=settings.temporal_namespace,
        data_converter=data_converter(settings),
        tls=tls_config(settings),
        api_key=settings.temporal_api_key,
        retry_config=retry_config,
        runtime=sdk_runtime(metrics_address),
    )


async def connect_with_retry(
    settings: Settings, attempts: int = 60, retry_config: RetryConfig | None = None, metrics_address: str | None = None
) -> Client:
    """Connect, waiting for a server that is still starting (compose, or `make run` on a slow machine)."""
    log = get_logger("duban.temporal")
    for attempt in range(1, attempts + 1):
        try:
            return await connect(settings, retry_config, metrics_address)
        except Exception as error:
            if attempt == attempts:
                raise
            log.info("waiting for Temporal", target=settings.temporal_target, error=str(error))
            await asyncio.sleep(1)
    raise AssertionError("unreachable")
