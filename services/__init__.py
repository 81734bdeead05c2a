"""Use cases both doors call (the JSON API in `api/routes/` and the web UI in `web/pages/`). One module per domain: hazards, interviews,
notifications, tasks, whistleblower reports, audit, sign-in.

A route function or a page reads its inputs, calls one of these, and shows the result its own way; neither
door calls the other's handlers.

The layer owns what both doors share and imports neither: the caller (`principal.py`), the errors
(`errors.py`), the calls into Temporal (`gateway.py`), the request and response shapes (`schemas.py`) and
the responses built from the read model (`presenters.py`).
"""
