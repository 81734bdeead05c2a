"""Security headers on every response (API, pages, static files, refusals).

- `Content-Security-Policy`: only same-origin scripts, styles, images and forms, no framing. The pages use
  one stylesheet and one script under `/static` and no inline script or style, so nothing inline is allowed.
  The OpenAPI pages (`/docs`, `/redoc`) load Swagger UI / ReDoc from the jsDelivr CDN with an inline
  bootstrap script: those two paths alone get a policy that allows exactly that.
- `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`, `X-Frame-Options: DENY`.
- `Strict-Transport-Security` only in production (`DUBAN_ENV=production`, served behind TLS).
- `Cache-Control: no-store` on the responses that carry a secret: the sign-in responses (the token, the
  session cookie) and a whistleblower reporter's contact (the API route and the page that shows it).
"""

import re

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
CDN = "https://cdn.jsdelivr.net"
DOCS_CSP = (
    f"default-src 'self'; script-src 'self' 'unsafe-inline' {CDN}; style-src 'self' 'unsafe-inline' {CDN} "
    "https://fonts.googleapis.com; font-src 'self' https://fonts.gstatic.com; "
    "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly; worker-src 'self' blob:; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
)
DOCS_PATHS = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc"})
HSTS = "max-age=31536000; includeSubDomains"
NO_STORE_PATHS = re.compile(
    r"^(/api/v1/auth/token|/login|/api/v1/whistleblower/reports/[^/]+/contact|/whistleblower/[^/]+/contact)/?$"
)


def security_headers(path: str, production: bool) -> dict[str, str]:
    """The headers a response to `path` carries (a route's own value for one of them is kept)."""
    headers = {
        "Content-Security-Policy": DOCS_CSP if path in DOCS_PATHS else CSP,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
    }
    if production:
        headers["Strict-Transport-Security"] = HSTS
    if NO_STORE_PATHS.match(path):
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
    return headers


class SecurityHeaders:
    """ASGI middleware adding `security_headers` to every HTTP response."""

    def __init__(self, app: ASGIApp, production: bool) -> None:
        self.app = app
        self.production = production

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = security_headers(scope.get("path", ""), self.production)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in extra.items():
                    if name == "Cache-Control" or name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, with_headers)
