"""The public listings page (公示): published listings and close-outs, for anyone, no sign-in."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import SessionDep
from services import documents
from web.pages.context import templates

router = APIRouter()


@router.get("/public/listings", response_class=HTMLResponse)
def public_listings(request: Request, session: SessionDep, page: int = 1) -> HTMLResponse:
    listings = documents.public_listings(session, max(page, 1), 50)
    return templates.TemplateResponse(request, "public_listings.html", {"listings": listings})
