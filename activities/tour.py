"""The inspection tour's activities: its projection, and turning a hazard finding into a hazard's start."""

from datetime import datetime

from sqlalchemy import Engine
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.projecting import project_step
from core.db import write_scope
from models.base import CHINA_TZ, china_date
from models.enums import Source
from models.hazard import HazardFacts, HazardStart
from models.tables import Enterprise
from models.tour import TourHazardRequest, TourProjection, TourReceipt
from store import hazards, reference, tours


class TourActivities:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @activity.defn(name="project_tour")
    def project_tour(self, item: TourProjection) -> TourReceipt:
        written = project_step(
            self._engine, lambda session: tours.project_tour(session=session, item=item), "tour step",
            tour_id=item.state.id, seq=item.seq, action=item.action.value,
        )
        return TourReceipt(seq=item.seq, action=item.action, written=written)

    @activity.defn(name="open_tour_hazard")
    def open_tour_hazard(self, request: TourHazardRequest) -> HazardStart:
        """A hazard's start for a hazard finding: the facts resolved from the reference data, a new code."""
        fields = request.fields
        with write_scope(self._engine) as session:
            region = reference.get_jurisdiction(session=session, code=fields.region_code)
            enterprise = session.get(Enterprise, fields.enterprise_uscc)
            if region is None or enterprise is None:
                raise ApplicationError("unknown region or enterprise", non_retryable=True)
            found = request.found_at
            if fields.discovered_at is not None:
                d = fields.discovered_at
                found = datetime(d.year, d.month, d.day, tzinfo=CHINA_TZ)
            facts = HazardFacts(
                title=fields.title, description=request.description, enterprise_uscc=enterprise.uscc,
                enterprise_name=enterprise.name, enterprise_principal=enterprise.principal, region_code=region.code,
                region_path=reference.chain(session=session, jurisdiction=region), industry=fields.industry,
                location=fields.location, source=Source.INSPECTION_TOUR, discovered_at=found,
                tour_id=request.tour_id, tour_authority_code=request.organizer_code,
            )
            while True:
                code = hazards.next_code(session=session, region_code=region.code, year=china_date(found).year)
                if hazards.get_row(session=session, code=code) is None:
                    break
        return HazardStart(code=code, facts=facts, reporter=request.reporter, policy=request.policy)
