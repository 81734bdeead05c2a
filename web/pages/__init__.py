"""The web UI: server-rendered pages over the same service layer as the JSON API, one module per page group.

Reads come from the read model through `store/` and `services/` (`services/presenters.py`); every action goes through
`services/` (and so through Temporal), exactly as the JSON routes do. Plain HTML forms work without
JavaScript. The shared page context (the signed-in `Page`, rendering, CSRF) is `web/pages/context.py`. Which
page modules the app serves, and in which order, is `processes.py`'s (`hazards` before `hazard`: /hazards/new and
/hazards/export.xlsx are matched before /hazards/{code}).
"""

from web.pages.context import STATIC_DIR

__all__ = ["STATIC_DIR"]
