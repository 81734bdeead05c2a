"""Use cases both doors call (the JSON API in `api/routes/` and the web UI in `web/pages/`), beside `api/services.py`.

A route function or a page reads its inputs, calls one of these, and shows the result its own way; neither
door calls the other's handlers.
"""
