"""structlog, configured once per process, writing one JSON object per line.

The standard library's loggers (the Temporal SDK's `workflow.logger` and `activity.logger`, uvicorn)
go through the same renderer, so every line of the system has one shape.
"""

import logging
import sys

import structlog
import temporalio.activity
import temporalio.workflow

_configured = False


def configure_logging(level: str = "INFO", json: bool = True) -> None:
    global _configured
    if _configured:
        return
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
        structlog.processors.format_exc_info,
    ]
    renderer = (
        structlog.processors.JSONRenderer(ensure_ascii=False) if json else structlog.dev.ConsoleRenderer()
    )
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[*shared, structlog.stdlib.ExtraAdder(), _temporal_extra],
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
        )
    )
    # The SDK's loggers put the workflow/activity info on the record (lifted below), not into the message.
    temporalio.workflow.logger.workflow_info_on_message = False
    temporalio.activity.logger.activity_info_on_message = False
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    _configured = True


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
