"""R61: the dashboard reminds of the inspection before 春节, 五一 and 国庆."""
from __future__ import annotations

from datetime import date

from app.ledger.holidays import SPRING_FESTIVAL, inspections_due


def test_inspection_before_national_day_is_due_two_weeks_ahead_R61() -> None:
    assert [h.name for h in inspections_due(date(2026, 9, 20))] == ["国庆"]
    assert inspections_due(date(2026, 9, 16)) == []


def test_inspection_before_spring_festival_follows_the_lunar_date_R61() -> None:
    due = inspections_due(date(2027, 1, 25))
    assert [(h.name, h.day) for h in due] == [("春节", date(2027, 2, 6))]


def test_inspection_before_may_day_crosses_nothing_else_R61() -> None:
    assert [h.name for h in inspections_due(date(2026, 4, 20))] == ["五一"]


def test_spring_festival_table_covers_the_coming_years_R61() -> None:
    assert all(y in SPRING_FESTIVAL for y in range(2026, 2036))
    assert all(date(y, 1, 20) <= d <= date(y, 2, 21) for y, d in SPRING_FESTIVAL.items())


def test_dashboard_deadlines_carry_the_pre_holiday_inspection_R61(clerk_reg, clock) -> None:
    from datetime import datetime

    from app.ledger import queries, stats
    clock.set(datetime(2026, 9, 22, 9, 0))
    with queries.reading(clerk_reg) as s:
        due = [d for d in stats.deadlines(s) if d.rule == "R61"]
    assert [(d.kind, d.ref) for d in due] == [("节前保密检查", "2026国庆")]
    clock.set(datetime(2026, 11, 2, 9, 0))
    with queries.reading(clerk_reg) as s:
        assert not [d for d in stats.deadlines(s) if d.rule == "R61"]
