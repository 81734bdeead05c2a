"""The web UI: server-rendered pages served by the API app at `/`."""
