"""The supervision board (open hazards by status) and the dashboard (figures by region and industry)."""

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from models.base import CHINA_TZ, EARLIEST_DAY, LATEST_DAY, china_date, day_in_range
from services.errors import ApiError, refused
from store import board as board_store
from store import metrics
from store.hazards import OPEN_STATUSES
from web import charts
from web.i18n import label, t
from web.pages.context import PageDep, error_page, render
from web.urgency import next_due

router = APIRouter(include_in_schema=False)


@router.get("/board", response_class=HTMLResponse)
def board_page(page: PageDep) -> HTMLResponse:
    board = board_store.board(session=page.session, scope=page.principal.scope)
    columns = []
    for status in OPEN_STATUSES:
        cards = []
        for card in board.columns[status]:
            due, lapsed = next_due(card.state_json)
            cards.append({"card": card, "due": due, "urgency": page.urgency(due, card.overdue or lapsed)})
        columns.append({"status": status, "count": board.counts[status], "cards": cards})
    return render(page, "board.html", columns=columns, board=board, statuses=OPEN_STATUSES)


def period_day(value: str | None, field: str) -> date | None:
    """A period's `from` / `to` as a date (None when left empty); a malformed one, or one outside
    EARLIEST_DAY..LATEST_DAY, is refused 422 naming the field (never a 500 from the instant arithmetic)."""
    if not value:
        return None
    try:
        return day_in_range(date.fromisoformat(value))
    except ValueError:
        raise refused(422, "date_out_of_range", field, day=value, earliest=EARLIEST_DAY, latest=LATEST_DAY) from None


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard_page(
    page: PageDep,
    start_text: Annotated[str | None, Query(alias="from", max_length=30)] = None,
    end_text: Annotated[str | None, Query(alias="to", max_length=30)] = None,
) -> HTMLResponse:
    try:
        start, end = period_day(start_text, "from"), period_day(end_text, "to")
    except ApiError as error:
        return error_page(page, error)
    today = china_date(page.now)
    start = start or date(today.year, 1, 1)
    end = end or today
    if end < start:
        start, end = end, start
    begin = datetime(start.year, start.month, start.day, tzinfo=CHINA_TZ).astimezone(UTC)
    finish = (datetime(end.year, end.month, end.day, tzinfo=CHINA_TZ) + timedelta(days=1)).astimezone(UTC)
    figures = metrics.dashboard(session=page.session, scope=page.principal.scope, start=begin, end=finish)
    own = t("board.own_level", page.lang)
    region_rows = [(g.name or own, g) for g in figures.by_region]
    series = [t("dash.found", page.lang), t("dash.rectified", page.lang)]
    rates = [t("dash.rate", page.lang), t("dash.on_time_rate", page.lang), t("dash.closure_rate", page.lang)]

    def counts_chart(groups: list[tuple[str, metrics.Figures]], title: str) -> Any:
        return charts.bars([(name, [f.found, f.rectified]) for name, f in groups], series, title=title)

    def rates_chart(groups: list[tuple[str, metrics.Figures]], title: str) -> Any:
        return charts.bars(
            [(name, [f.rectification_rate, f.on_time_rate, f.closure_rate]) for name, f in groups],
            rates, title=title, percent=True,
        )

    industry_rows = [(label("industry", g.name, page.lang) or "—", g.figures) for g in figures.by_industry]
    region_figures = [(name, g.figures) for name, g in region_rows]
    return render(
        page,
        "dashboard.html",
        start=start,
        end=end,
        figures=figures,
        region_rows=region_figures,
        industry_rows=industry_rows,
        level_rows=[(label("level", g.key, page.lang) or "—", g.figures) for g in figures.by_level],
        source_rows=[(label("source", g.key, page.lang), g.figures) for g in figures.by_source],
        charts={
            "region_counts": counts_chart(region_figures, t("dash.by_region", page.lang)),
            "region_rates": rates_chart(region_figures, t("dash.by_region", page.lang)),
            "industry_counts": counts_chart(industry_rows, t("dash.by_industry", page.lang)),
            "industry_rates": rates_chart(industry_rows, t("dash.by_industry", page.lang)),
        },
    )
