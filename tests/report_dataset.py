"""A small fixed data set for the reporting cadence's figures, with its figures computed by hand (March 2026,
the city 371700 with its counties 371702 牡丹区 and 371721 曹县). Inserted straight into the read model."""

from datetime import UTC, date, datetime

from sqlmodel import Session

from models.actors import system_actor
from models.enums import HazardLevel, HazardStatus, VerifyDecision
from models.hazard import HazardState, Verification
from tests.factories import CITY_SUPERVISOR, COUNTY, COUNTY2
from tests.synthetic import Spec, _entry, make, reference_data

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def at(day: str, hour: int = 2) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00+00:00").astimezone(UTC)


SPECS = {
    # H1 牡丹区: general, closed; acceptance requested 03-15, before its deadline 03-20 (on time)
    "H1": Spec(1, HazardStatus.CLOSED, at("2026-03-02"), COUNTY, HazardLevel.GENERAL, deadline=at("2026-03-20", 16),
               completed_at=at("2026-03-15")),
    # H2 牡丹区: major, listed, closed; acceptance requested 03-28, after its deadline 03-25 (late)
    "H2": Spec(2, HazardStatus.CLOSED, at("2026-03-03"), COUNTY, HazardLevel.MAJOR, listed=True, deadline=at("2026-03-25", 16),
               completed_at=at("2026-03-28")),
    # H3 牡丹区: major, listed, overdue now; two rungs fired (urging letter 03-20, circular 03-21)
    "H3": Spec(3, HazardStatus.RECTIFYING, at("2026-03-04"), COUNTY, HazardLevel.MAJOR, listed=True,
               deadline=at("2026-03-20", 16), overdue=True, rungs=2),
    # H4 曹县: general, rectifying, a whistleblower's; its first verification failed as fake rectification (03-15)
    "H4": Spec(4, HazardStatus.RECTIFYING, at("2026-03-05"), COUNTY2, HazardLevel.GENERAL, deadline=at("2026-12-01", 16)),
    # H5 曹县: general, verified on time; the verification was late (a government-side deadline missed)
    "H5": Spec(5, HazardStatus.VERIFIED, at("2026-03-06"), COUNTY2, HazardLevel.GENERAL, deadline=at("2026-03-30", 16),
               completed_at=at("2026-03-10")),
    # H6 牡丹区: reported in February: outside the period
    "H6": Spec(6, HazardStatus.CLOSED, at("2026-02-10"), COUNTY, HazardLevel.GENERAL, deadline=at("2026-02-20", 16),
               completed_at=at("2026-02-15")),
    # H7 曹县: voided: never counted
    "H7": Spec(7, HazardStatus.VOIDED, at("2026-03-07"), COUNTY2, HazardLevel.GENERAL),
}

# By hand. Closed H1 (03-02 → 04-01) and H2 (03-03 → 04-02): 22 working days each (no holiday in March 2026).
COUNTY_FIGURES = {"found": 3, "major": 2, "rectified": 2, "on_time": 1, "listed": 2, "closed_listed": 1, "overdue_now": 1,
                  "rungs_fired": 2, "closed": 2, "average_working_days_to_close": 22.0, "government_deadlines_missed": 0,
                  "rectification_rate": 0.6667, "on_time_rate": 0.5, "closure_rate": 0.5}
COUNTY2_FIGURES = {"found": 2, "major": 0, "rectified": 1, "on_time": 1, "listed": 0, "closed_listed": 0, "overdue_now": 0,
                   "rungs_fired": 0, "closed": 0, "average_working_days_to_close": None, "government_deadlines_missed": 1,
                   "rectification_rate": 0.5, "on_time_rate": 1.0, "closure_rate": None}
CITY_TOTAL = {"found": 5, "major": 2, "rectified": 3, "on_time": 2, "listed": 2, "closed_listed": 1, "overdue_now": 1, "rungs_fired": 2,
              "closed": 2, "average_working_days_to_close": 22.0, "government_deadlines_missed": 1,
              "rectification_rate": 0.6, "on_time_rate": 0.6667, "closure_rate": 0.5}
CITY_RUNGS = {"urging_letter": 1, "circular": 1, "interview": 0, "raise_listing": 0, "joint_punishment": 0,
              "accountability_referral": 0}
# Default weights: rectification 40, on time 30, closure 20, overdue -5, government missed -2, circular rungs -3.
# 曹县: 40×0.5 + 30×1 + 20×1 (nothing listed counts as full) − 2×1 = 68
# 牡丹区: 40×0.666667 + 30×0.5 + 20×0.5 − 5×1 − 3×1 = 43.6667
RANKING = [("371721", 68.0), ("371702", 43.6667)]


def load(session: Session) -> dict[str, str]:
    """Insert the data set; returns the hazard codes by their names above."""
    reference_data(session)
    codes = {}
    for name, spec in SPECS.items():
        row, audit = make(spec)
        for entry in audit:
            if entry.action == "rung":
                entry.reason = f"rung:{entry.comment}"  # as the projection records a rung
        if name == "H4":
            row.source = "whistleblower"
            state = HazardState.model_validate_json(row.state_json)
            fake = Verification(decision=VerifyDecision.FAIL, comment="照片为旧照片", fake_rectification=True,
                                new_deadline=at("2026-12-01", 16), at=at("2026-03-15"), by=CITY_SUPERVISOR)
            row.state_json = state.model_copy(update={"verifications": (fake,)}).model_dump_json()
        if name == "H5":
            audit.append(_entry(row.code, len(audit) + 1, at("2026-03-25"), system_actor("verify_deadline"), "deadline-missed",
                                "acceptance_requested", "acceptance_requested", None))
            audit[-1].reason = "verify_deadline"
        if name == "H3":
            audit.append(_entry(row.code, len(audit) + 1, at("2026-03-20"), system_actor("plan_deadline"), "deadline-missed",
                                "listed", "listed", None))
            audit[-1].reason = "plan_deadline"  # the enterprise's step: not a government-side deadline
        row.last_seq = len(audit)
        session.add(row)
        session.add_all(audit)
        codes[name] = row.code
    session.commit()
    return codes
