"""`duban simulate` at a tiny size: the same seed gives the same figures; a stricter ladder fires more rungs,
earlier. Speed is measured in bench/RESULTS.md, never asserted here."""

from core.simulate import Model, resolve_policy, simulate

MODEL = Model(seed=7, hazards=16, major=0.3, late=0.5, no_show=0.5, late_government=0.2)


async def test_same_seed_same_figures_and_a_stricter_ladder_climbs_sooner() -> None:
    default = resolve_policy("default")
    first = await simulate(MODEL, default)
    again = await simulate(MODEL, default, shards=2)  # dealt over two servers side by side: the same year
    assert first.figures() == again.figures()
    assert first.found == MODEL.hazards and first.rectified > 0 and first.reminders > 0
    assert sum(first.rungs.values()) > 0 and first.government_missed > 0

    strict = await simulate(MODEL, resolve_policy("strict"))
    assert strict.found == first.found
    assert sum(strict.rungs.values()) >= sum(first.rungs.values())
    shared = [r for r in ("circular", "interview", "raise_listing") if r in strict.rung_days and r in first.rung_days]
    assert shared and all(strict.rung_days[r] < first.rung_days[r] for r in shared)
