"""Use cases both doors call (the JSON API in `api/routes/` and the web UI in `web/pages/`). One module per domain: hazards, interviews,
notifications, tasks, whistleblower reports, audit, sign-in.

A route function or a page reads its inputs, calls one of these, and shows the result its own way; neither
door calls the other's handlers.
"""
