"""The web UI: server-rendered pages over the same service layer as the JSON API, one module per page group.

Reads come from the read model through `store/` and `services/` (`services/presenters.py`); every action goes through
`services/` (and so through Temporal), exactly as the JSON routes do. Plain HTML forms work without
JavaScript. The shared page context (the signed-in `Page`, rendering, CSRF) is `web/pages/context.py`.
"""

from fastapi import APIRouter

from web.pages import (
    board,
    campaigns,
    documents,  # signing a draft
    hazard,
    hazards,
    interviews,
    notifications,
    oversight,
    public,  # the public listings page
    session,
    settings,
    tasks,
    tours,  # inspection tours
)
from web.pages import reports as cadence  # the reporting cadence: reports, rankings, circulars
from web.pages.context import STATIC_DIR

__all__ = ["STATIC_DIR", "router"]

router = APIRouter(include_in_schema=False)
# `hazards` before `hazard`: /hazards/new and /hazards/export.xlsx are matched before /hazards/{code}.
for module in (session, tasks, hazards, hazard, board, notifications, interviews, oversight):
    router.include_router(module.router)
router.include_router(settings.router)  # notification settings
router.include_router(campaigns.router)  # campaigns (专项整治)
router.include_router(cadence.router)  # the reporting cadence
router.include_router(tours.router)  # inspection tours
router.include_router(public.router)  # the public listings page, no sign-in
router.include_router(documents.router)  # a leader signs a draft
