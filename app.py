"""The ASGI application a process serves: the JSON API (`api/main.py`) with the web UI (`web/pages/`) on it.

`uvicorn app:create_app --factory` is what `make run` (`run.py`), the Dockerfile and docker-compose start;
`uvicorn app:app` serves the same application built from the environment's settings.
"""

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from temporalio.client import Client

import processes
from api.main import create_api
from core.settings import Settings
from web import pages as web_pages
from web.pages.unavailable import unavailable_page

__all__ = ["create_app"]


def create_app(settings: Settings | None = None, temporal: Client | None = None) -> FastAPI:
    """The API with the web UI at `/` and its files at `/static`."""
    app = create_api(settings, temporal, processes.api_routes())
    for page in processes.web_pages():  # the web UI at /
        app.include_router(page)
    app.mount("/static", StaticFiles(directory=web_pages.STATIC_DIR), name="static")
    app.state.unavailable_page = unavailable_page  # the UI's 503 page for its own paths
    return app


def __getattr__(name: str) -> FastAPI:
    """`app.app`, built on first use (importing this module reads no settings and configures no logging)."""
    if name != "app":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    built = globals().get("_app")
    if built is None:
        built = globals()["_app"] = create_app()
    return built  # type: ignore[no-any-return]
