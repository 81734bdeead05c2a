"""The campaign read model (store/campaigns.py) on SQLite and PostgreSQL: the projection (row, event, document,
notices; idempotent), the visible list, the tagged hazards, and figures that agree with the dashboard's."""

from datetime import UTC, date, datetime

from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from domain import campaign_documents
from domain import campaigns as rules
from models.campaign import CampaignAccount, CampaignStart, FiguresRequest, PhaseIn, PhaseKind
from models.tables import AuditEntry, CampaignRow, Document, HazardRow, Notification
from store import audit, campaigns, metrics
from store.hazards import Scope
from tests import factories as f
from tests.synthetic import insert, reference_data
from tests.test_metrics import CITY_SCOPE, END, SPECS, START

LAUNCHED = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)


def start(campaign_id: str = "CP-371700-2026-001") -> CampaignStart:
    return CampaignStart(
        campaign_id=campaign_id, title="危险化学品安全专项整治", region_code="371700", region_path=(f.PROVINCE, f.CITY),
        covered=("371700", "371702", "371721"), phases=(PhaseIn(kind=PhaseKind.RECTIFY, starts_on=date(2026, 3, 2), ends_on=date(2026, 6, 30)),),
        authority_code="371700", authority_name="菏泽市安委会", launched_by=f.CITY_SUPERVISOR,
    )


def test_a_step_is_projected_once_with_its_document_and_notices(engine: Engine) -> None:
    first = rules.launched(start(), "campaign-CP-371700-2026-001", LAUNCHED)
    account = CampaignAccount(generated_at=LAUNCHED, closed=("HZ-1",), carried_over=(), overdue=("HZ-2",))
    document = campaign_documents.account_document(first.state, account, LAUNCHED)
    second = rules.account_written(first.state, account, document, LAUNCHED)
    with Session(engine) as session:
        assert campaigns.project_campaign(session=session, item=first)
        assert campaigns.project_campaign(session=session, item=second)
        session.commit()
        assert not campaigns.project_campaign(session=session, item=second)  # a retried activity writes nothing
        session.commit()
        row = session.get(CampaignRow, "CP-371700-2026-001")
        assert row is not None and row.last_seq == 2 and row.region_path == "370000/371700/" and row.year == 2026
        assert campaigns.state_of(row).account is not None
        events = campaigns.events(session=session, campaign_id=row.id)
        assert [e.action for e in events] == ["launch", "account"] and events[1].document_hash == document.sha256
        stored = session.get(Document, document.sha256)
        assert stored is not None and stored.content == document.content and (stored.record_kind, stored.record_id) == ("campaign", row.id)
        targets = session.exec(select(Notification.target_code).where(Notification.record_id == row.id)).all()
        assert sorted(targets) == ["371700", "371702", "371721"]
        assert len(session.exec(select(AuditEntry).where(AuditEntry.record_kind == "campaign")).all()) == 2
        assert audit.verify(session=session, record_kind="campaign", record_id=row.id).ok


def test_the_list_holds_the_subtree_and_the_jurisdictions_above(engine: Engine) -> None:
    county = start("CP-371702-2026-001").model_copy(update={"region_code": "371702", "region_path": (f.PROVINCE, f.CITY, f.COUNTY)})
    with Session(engine) as session:
        for s in (start(), county):
            campaigns.project_campaign(session=session, item=rules.launched(s, f"campaign-{s.campaign_id}", LAUNCHED))
        session.commit()

        def ids(scope: Scope) -> list[str]:
            return sorted(r.id for r in campaigns.list_rows(session=session, scope=scope))

        assert ids(Scope(path="370000/")) == ["CP-371700-2026-001", "CP-371702-2026-001"]
        assert ids(Scope(path="370000/371700/371702/")) == ["CP-371700-2026-001", "CP-371702-2026-001"]
        assert ids(Scope(path="370000/371700/371721/")) == ["CP-371700-2026-001"]
        assert ids(Scope(enterprise_uscc=f.USCC_A)) == []
        assert campaigns.count_for(session=session, region_code="371700", year=2026) == 1


def test_campaign_figures_are_the_dashboards_over_the_tagged_hazards(engine: Engine) -> None:
    with Session(engine) as session:
        reference_data(session)
        insert(session, SPECS)
        session.execute(update(HazardRow).values(campaign_id="CP-371700-2026-001"))  # every hazard tagged
        session.execute(update(HazardRow).where(col(HazardRow.code).like("%0007")).values(campaign_id=None))
        session.commit()
        tagged = campaigns.tagged_hazards(session=session, request=FiguresRequest(campaign_id="CP-371700-2026-001", region_path="370000/371700/"))
        assert len(tagged) == len(SPECS) - 1 and all(h.deadline is None or h.deadline.tzinfo for h in tagged)
        # agreement: in the period, with the city's own hazard untagged, the campaign's figures are the dashboard's
        board = metrics.dashboard(session=session, scope=CITY_SCOPE, start=START, end=END)
        camp = metrics.campaign_figures(session=session, campaign_id="CP-371700-2026-001", region_path="370000/371700/", start=START, end=END)
        own = next(g.figures for g in board.by_region if g.key == "371700")
        assert camp.total + own == board.total
        assert camp.total.found == 4 and camp.total.major == 2 and camp.total.rectified == 3 and camp.total.overdue_now == 1
        # by hand: every tagged hazard, whatever its period; the voided one is no hazard
        groups = {g.code: g for g in campaigns.figures_by_region(session=session, request=FiguresRequest(campaign_id="CP-371700-2026-001", region_path="370000/371700/"))}
        assert groups["371702"].found == 4 and groups["371702"].rectified == 3 and groups["371702"].closed == 1
        assert groups["371721"].found == 1 and groups["371721"].overdue == 1 and groups["371721"].listed == 1
        assert groups[""].found == 5 and groups[""].major == 2
        assert metrics.campaign_figures(session=session, campaign_id="CP-none", region_path="370000/371700/").total == metrics.Figures()


def test_a_report_gets_each_campaigns_figures_for_its_region_and_period(engine: Engine) -> None:
    with Session(engine) as session:
        reference_data(session)
        insert(session, SPECS)
        for s in (start(), start("CP-371700-2026-002")):
            campaigns.project_campaign(session=session, item=rules.launched(s, f"campaign-{s.campaign_id}", LAUNCHED))
        session.execute(update(HazardRow).where(col(HazardRow.region_path).like("370000/371700/371702/%")).values(campaign_id="CP-371700-2026-001"))
        session.commit()
        county = {row.id: board for row, board in campaigns.figures_for_region(session=session, region_path="370000/371700/371702/", start=START, end=END)}
        assert set(county) == {"CP-371700-2026-001", "CP-371700-2026-002"}  # the city's campaigns cover the county
        assert county["CP-371700-2026-001"].total.found == 3 and county["CP-371700-2026-001"].total.rectified == 3
        assert county["CP-371700-2026-002"].total == metrics.Figures()
        other = campaigns.figures_for_region(session=session, region_path="370000/371700/371721/", start=START, end=END)
        assert [b.total.found for _, b in other] == [0, 0]
