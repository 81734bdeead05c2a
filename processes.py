"""Every process Duban runs, declared once.

A process is its registry of human actions, its workflows, the activities they call, the kind of record it
keeps on the audit trail, its API routes and its pages. The worker (`worker.py`) runs the workflows and
activities listed here, the app (`app.py`) serves the routes and pages listed here, and the tests check that
every registered action is reachable through both doors. Adding a process is its own module in each layer
that needs one, plus one entry in `PROCESSES`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from sqlalchemy import Engine
from temporalio import activity

from activities.calendar import CalendarActivities
from activities.campaigns import CampaignActivities
from activities.delivery import DeliveryActivities
from activities.documents import DocumentActivities
from activities.interviews import InterviewActivities
from activities.projection import ProjectionActivities
from activities.reports import ReportActivities
from activities.signoff import SignOffActivities
from activities.tour import TourActivities
from api.routes import (
    attachments,
    audit,
    auth,
    calendar,
    campaigns,
    circulars,
    codec,
    delivery,
    documents,
    hazards,
    history,
    interviews,
    notifications,
    policies,
    reference,
    reports,
    tasks,
    tours,
    users,
    whistleblower,
)
from core.settings import Settings
from models.policy import PolicyProfile
from registry.base import ProcessRegistry
from registry.campaign import CAMPAIGN
from registry.documents import DOCUMENT
from registry.hazard import HAZARD
from registry.interview import INTERVIEW
from registry.tour import TOUR
from web.pages import board, oversight, public, session, settings
from web.pages import campaigns as campaign_pages
from web.pages import documents as document_pages
from web.pages import hazard as hazard_page
from web.pages import hazards as hazards_pages
from web.pages import interviews as interview_pages
from web.pages import notifications as notification_pages
from web.pages import reports as cadence_pages
from web.pages import tasks as task_pages
from web.pages import tours as tour_pages
from workflows.campaign import CampaignWorkflow
from workflows.delivery import DeliveryWorkflow, DigestWorkflow
from workflows.hazard import HazardWorkflow
from workflows.interview import InterviewWorkflow
from workflows.report import PeriodicReportWorkflow
from workflows.signoff import SignOffWorkflow
from workflows.tour import TourWorkflow


@dataclass(frozen=True)
class Needs:
    """What activities are built from."""

    engine: Engine
    settings: Settings
    report_profile: PolicyProfile


@dataclass(frozen=True)
class Process:
    name: str
    record_kind: str | None  # the kind of record it keeps on the audit trail (None: it keeps none of its own)
    workflows: tuple[type, ...] = ()
    activities: Callable[[Needs], tuple[object, ...]] = lambda needs: ()
    routes: tuple[APIRouter, ...] = ()  # under /api/v1
    pages: tuple[APIRouter, ...] = ()  # the web UI
    registry: ProcessRegistry | None = None  # its human actions
    records: str = ""  # the path its records are read at (`/tours/{id}`) and acted on (`…/actions/{name}`)
    web_action: str = "act/{action}"  # the web form's path after the record's (`/tours/{id}/act/{name}`)


PROCESSES: tuple[Process, ...] = (
    Process("hazard", "hazard", (HazardWorkflow,), lambda n: (ProjectionActivities(n.engine),),
            (hazards.router,), (hazards_pages.router, hazard_page.router), HAZARD, "hazards"),
    Process("interview", "interview", (InterviewWorkflow,), lambda n: (InterviewActivities(n.engine),),
            (interviews.router,), (interview_pages.router,), INTERVIEW, "interviews"),
    Process("campaign", "campaign", (CampaignWorkflow,), lambda n: (CampaignActivities(n.engine),),
            (campaigns.router,), (campaign_pages.router,), CAMPAIGN, "campaigns"),
    Process("tour", "tour", (TourWorkflow,), lambda n: (TourActivities(n.engine),),
            (tours.router,), (tour_pages.router,), TOUR, "tours"),
    Process("reporting", "report", (PeriodicReportWorkflow,), lambda n: (ReportActivities(n.engine, n.report_profile),),
            (reports.router, circulars.router), (cadence_pages.router,)),
    Process("signoff", "circular", (SignOffWorkflow,), lambda n: (SignOffActivities(n.engine),),
            (documents.router, documents.public), (document_pages.router, public.router), DOCUMENT, "documents",
            web_action="{action}"),
    Process("delivery", None, (DeliveryWorkflow, DigestWorkflow), lambda n: (DeliveryActivities(n.engine, n.settings),),
            (delivery.router,), (settings.router,)),
    Process("whistleblower", None, routes=(whistleblower.public, whistleblower.staff), pages=(oversight.router,)),
)

# What every process shares: the activities several workflows call (the working-day calendar, rendering official
# documents), sign-in, tasks, reference data, the inbox, the audit, accounts, attachments and the codec.
SHARED_ACTIVITIES: Callable[[Needs], tuple[object, ...]] = lambda n: (  # noqa: E731
    CalendarActivities(n.engine), DocumentActivities(n.engine))
SHARED_ROUTES: tuple[APIRouter, ...] = tuple(m.router for m in (
    auth, tasks, reference, calendar, policies, notifications, audit, history, users, attachments, codec))
SHARED_PAGES: tuple[APIRouter, ...] = (session.router, task_pages.router, board.router, notification_pages.router)


def workflows() -> list[type]:
    return [workflow for process in PROCESSES for workflow in process.workflows]


def activities(needs: Needs) -> list[Callable[..., Any]]:
    """Every activity of every process (and the shared ones), as the bound methods a worker registers."""
    built = [*SHARED_ACTIVITIES(needs), *(obj for process in PROCESSES for obj in process.activities(needs))]
    return [method for obj in built for method in activity_methods(obj)]


def activity_methods(obj: object) -> list[Callable[..., Any]]:
    """The methods of `obj` declared as activities (`@activity.defn`), in the order its class declares them."""
    methods = (getattr(obj, name) for name in vars(type(obj)) if not name.startswith("_"))
    return [m for m in methods if callable(m) and activity._Definition.from_callable(m) is not None]


def api_routes() -> list[APIRouter]:
    return [*SHARED_ROUTES, *(router for process in PROCESSES for router in process.routes)]


def web_pages() -> list[APIRouter]:
    return [*SHARED_PAGES, *(router for process in PROCESSES for router in process.pages)]
