"""Inspections before the three holidays (R61: 春节、五一、国庆 节前保密检查).

The Spring Festival follows the lunar calendar; its dates are listed here
rather than computed (a lunar-calendar library would be a dependency for one
date a year).  Extend the table before 2036.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

SPRING_FESTIVAL = {
    2024: date(2024, 2, 10), 2025: date(2025, 1, 29), 2026: date(2026, 2, 17),
    2027: date(2027, 2, 6), 2028: date(2028, 1, 26), 2029: date(2029, 2, 13),
    2030: date(2030, 2, 3), 2031: date(2031, 1, 23), 2032: date(2032, 2, 11),
    2033: date(2033, 1, 31), 2034: date(2034, 2, 19), 2035: date(2035, 2, 8),
}
# How far ahead the dashboard starts reminding of the inspection.
LEAD = timedelta(days=14)


@dataclass(frozen=True)
class Holiday:
    name: str
    day: date


def holidays_of(year: int) -> list[Holiday]:
    out = [Holiday("五一", date(year, 5, 1)), Holiday("国庆", date(year, 10, 1))]
    if year in SPRING_FESTIVAL:
        out.insert(0, Holiday("春节", SPRING_FESTIVAL[year]))
    return out


def inspections_due(today: date) -> list[Holiday]:
    """The holidays whose pre-holiday inspection falls in the next two weeks (R61)."""
    return [h for y in (today.year, today.year + 1) for h in holidays_of(y)
            if today <= h.day <= today + LEAD]
