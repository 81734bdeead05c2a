"""The web UI (issue 5): server-rendered pages served by the API app at `/`."""
