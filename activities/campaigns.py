"""The campaign's activities: its projection, and the read model's answers the workflow needs (the tagged hazards
for the closing account, the figures per sub-jurisdiction for the summaries), recorded in its history."""

from sqlalchemy import Engine
from temporalio import activity

from activities.projecting import project_step
from core.db import session_scope
from models.campaign import CampaignProjection, CampaignReceipt, FiguresRequest, RegionFigures, TaggedHazard
from store import campaigns


class CampaignActivities:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @activity.defn(name="project_campaign")
    def project_campaign(self, item: CampaignProjection) -> CampaignReceipt:
        written = project_step(
            self._engine, lambda session: campaigns.project_campaign(session=session, item=item), "campaign step",
            campaign_id=item.state.campaign_id, seq=item.seq, action=item.action.value,
        )
        return CampaignReceipt.of(item, written)

    @activity.defn(name="campaign_hazards")
    def campaign_hazards(self, request: FiguresRequest) -> list[TaggedHazard]:
        with session_scope(self._engine) as session:
            return campaigns.tagged_hazards(session=session, request=request)

    @activity.defn(name="campaign_figures")
    def campaign_figures(self, request: FiguresRequest) -> list[RegionFigures]:
        with session_scope(self._engine) as session:
            return campaigns.figures_by_region(session=session, request=request)
