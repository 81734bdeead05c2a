"""structlog, configured once per process, writing one JSON object per line.

The standard library's loggers (the Temporal SDK's `workflow.logger` and `activity.logger`, uvicorn, and
the SDK core's own lines forwarded to `temporalio.core` by core/temporal.py's runtime) go through the same
renderer, so every line of the system has one shape.
"""

import logging
import sys

import structlog
import temporalio.activity
import temporalio.workflow

_configured = False


SHARED: list[structlog.types.Processor] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    structlog.processors.StackInfoRenderer(),
    structlog.processors.format_exc_info,
]


def formatter(json: bool = True) -> logging.Formatter:
    """The formatter of every line: structlog's own and the standard library's records alike."""
    renderer = (
        structlog.processors.JSONRenderer(ensure_ascii=False) if json else structlog.dev.ConsoleRenderer()
    )
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*SHARED, structlog.stdlib.ExtraAdder(), _temporal_extra, _temporal_core],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
    )


def configure_logging(level: str = "INFO", json: bool = True) -> None:
    global _configured
    if _configured:
        return
    structlog.configure(
        processors=[*SHARED, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter(json))
    # The SDK's loggers put the workflow/activity info on the record (lifted below), not into the message.
    temporalio.workflow.logger.workflow_info_on_message = False
    temporalio.activity.logger.activity_info_on_message = False
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    _configured = True


def _temporal_core(
    logger: object, method: str, event: structlog.types.EventDict
) -> structlog.types.EventDict:
    """A line of the SDK core (forwarded by the runtime, see core/temporal.py): its target and its fields
    (e.g. `run_id`, `failure`) as top-level keys, not a Rust debug string appended to the message."""
    entry = event.pop("temporal_log", None)
    if entry is None:
        return event
    event["core_target"] = entry.target
    try:
        fields = dict(entry.fields)
    except Exception:  # noqa: BLE001 - a field the bridge cannot convert must not lose the line
        fields = {}
    for key, value in fields.items():
        event.setdefault(key, value if isinstance(value, str | int | float | bool | None) else str(value))
    return event


def _temporal_extra(
    logger: object, method: str, event: structlog.types.EventDict
) -> structlog.types.EventDict:
    """Lift the Temporal SDK's `temporal_workflow` / `temporal_activity` extras into top-level keys."""
    record = event.get("_record")
    for key in ("temporal_workflow", "temporal_activity"):
        details = event.pop(key, None) or getattr(record, key, None)
        if isinstance(details, dict):
            event.setdefault("workflow_id", details.get("workflow_id"))
            event.setdefault("run_id", details.get("run_id"))
            event.setdefault("workflow_type", details.get("workflow_type"))
            if "activity_type" in details:
                event.setdefault("activity_type", details.get("activity_type"))
                event.setdefault("attempt", details.get("attempt"))
    return event


def get_logger(name: str = "duban") -> structlog.stdlib.BoundLogger:
    return structlog.get_logger(name)
