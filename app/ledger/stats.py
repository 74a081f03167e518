"""Reports from the register: the monthly figures for the leader (R60), the
quarter's clear-out list (R30) and the deadlines of the dashboard (R05, R30, R45).

Read-only, like app/ledger/queries.py: call inside `with reading(reg) as s:`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import NamedTuple

from sqlalchemy import Date, DateTime, Select, String, bindparam, func, select
from sqlalchemy.orm import Session

from app.errors import BadInput
from app.ledger import checks, classification, holidays, incidents
from app.ledger.queries import CarrierRow, KEPT_STATES, OUT_STATES, now_of, page_of, view_at
from app.models.carriers import Carrier
from app.models.movements import Batch, Movement
from app.store.engine import bulk_page_cache

STAT_LEVELS = ("绝密", "机密", "秘密", "内部")
# The lines of the monthly report: (label, movement kind); see monthly_stats.
STAT_ROWS = ("收文", "登记", "发文", "借出", "外出携带", "复制", "复制份数", "清退", "归档", "销毁")
IN_CUSTODY = OUT_STATES + KEPT_STATES  # what a quarterly check accounts for (R30)
CLEAR_OUT_WARNING = timedelta(days=15)


# -- R60: the monthly report -----------------------------------------------------------

@dataclass(frozen=True)
class MonthlyStats:
    month: str  # 2026-11
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # row -> level -> n

    def total(self, row: str) -> int:
        return sum(self.counts.get(row, {}).values())


def month_bounds(month: str) -> tuple[datetime, datetime]:
    m = re.fullmatch(r"\s*(\d{4})\s*[-年/.]\s*(\d{1,2})\s*月?\s*", month or "")
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise BadInput(f"月份「{month}」的格式不对，应如 2026-11。")
    year, mon = int(m.group(1)), int(m.group(2))
    start = datetime(year, mon, 1)
    end = datetime(year + (mon == 12), mon % 12 + 1, 1)
    return start, end


def monthly_stats(s: Session, month: str) -> MonthlyStats:
    """R60: what moved in a month, by 密级, for the custodian's monthly report.

    收文 receipts; 登记 documents produced here or brought back from meetings;
    发文 dispatches; 借出 every sign-out, 外出携带 those taken out; 复制 copy
    orders and 复制份数 the copies they made; 清退, 归档, 销毁.  Counted by the
    time each movement happened, at the carrier's present 密级.
    """
    start, end = month_bounds(month)
    kinds = ("收文", "登记", "发文", "借出", "复制", "清退", "归档", "销毁")
    q = (select(Movement.kind, Movement.state_after, Carrier.origin, Carrier.level, func.count())
         .join(Carrier, Carrier.id == Movement.carrier_id)
         .where(Movement.kind.in_(kinds), Movement.occurred_at >= start, Movement.occurred_at < end)
         .group_by(Movement.kind, Movement.state_after, Carrier.origin, Carrier.level))
    counts: dict[str, dict[str, int]] = {row: {lv: 0 for lv in STAT_LEVELS} for row in STAT_ROWS}
    for kind, state_after, origin, level, n in s.execute(q):
        rows = [kind]
        if kind == "登记" and origin == "复制":
            rows = ["复制份数"]
        elif kind == "借出" and state_after == "外出携带":
            rows = ["借出", "外出携带"]
        for row in rows:
            counts[row][level] = counts[row].get(level, 0) + n
    return MonthlyStats(f"{start:%Y-%m}", counts)


# -- R30: the quarter's clear-out list ------------------------------------------------

def clear_out_list(s: Session, quarter: str) -> list[CarrierRow]:
    """R30: every carrier in custody (在库, 借出, 外出携带, 已归档) at the quarter's end,
    with who holds it; for the running quarter, as it stands now.

    The same carriers as app.ledger.checks.expected_for_check (what a check
    must account for), as rows with names for the workbook and the screen.
    """
    _, end = checks.quarter_bounds(quarter)
    as_of = None if end > now_of(s) else end - timedelta(microseconds=1)
    with bulk_page_cache(s.connection()):  # every carrier in custody: the whole register
        return page_of(s, view_at(as_of, by_registration=False), limit=None, states=IN_CUSTODY)


# -- the dashboard's deadlines ------------------------------------------------------------

class Due(NamedTuple):
    """One line of the dashboard's deadlines.  A NamedTuple like queries.OutRow:
    every secrecy period ending this year is one (hundreds in a large register),
    and a frozen dataclass cost more to make than SQLite took to find it."""

    kind: str  # 定密 / 事件书面报告 / 事件查处结果 / 季度清查 / 保密期限届满
    rule: str
    due: datetime
    ref: str  # carrier number, incident number or quarter
    subject: str
    overdue: bool


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59))


def deadlines(s: Session, now: datetime | None = None) -> list[Due]:
    """What falls due, soonest first: 定密 of documents produced here (R05, 10 days
    from the document's date), the written report (24 h) and the result (3
    months) of open incidents (R45), the quarter's clear-out when no check is
    recorded for it and it ends within 15 days, or the last quarter's when it was
    missed (R30), secrecy periods that end this year (R05: 解密 is recorded
    by the unit that set them), and the inspection before 春节/五一/国庆 (R61)."""
    now = now_of(s, now)
    out = _classify_due(s, now) + _incident_due(s, now) + _quarter_due(s, now)
    out += _periods_ending(s, now) + _holiday_inspections(now)
    return sorted(out, key=lambda d: (d.due, d.kind, d.ref))


def _classify_due(s: Session, now: datetime) -> list[Due]:
    # Every pending one: a document is due at most 10 days after it arose.
    pending = classification.classification_deadlines(
        s, now, within_days=classification.DEADLINE_DAYS)
    return [Due("定密", "R05", _end_of(d.due), d.number,
                f"《{d.title}》须在文件产生（{d.doc_date:%Y-%m-%d}）后10日内确定密级和保密期限",
                d.overdue) for d in pending]


def _incident_due(s: Session, now: datetime) -> list[Due]:
    what = {"书面报告": "事件书面报告", "查处结果": "事件查处结果"}
    limit = {"书面报告": "发现后24小时内书面报告", "查处结果": "发现后3个月内报告查处结果"}
    return [Due(what[d.what], "R45", d.due, d.incident, f"失泄密事件 {d.incident} 须{limit[d.what]}",
                d.overdue) for d in incidents.deadlines(s, now)]


def _quarter_checked(s: Session, quarter: str) -> bool:
    return s.scalar(_checked_query(), {"quarter": quarter}) is not None


# The dashboard's statements are built once: building one cost more than SQLite
# took to answer it.

@cache
def _checked_query() -> Select:
    return (select(Batch.id).where(Batch.kind == "清查", func.json_extract(Batch.detail, "$.quarter")
                                   == bindparam("quarter", type_=String)).limit(1))


@cache
def _registered_before_query() -> Select:
    return select(Carrier.id).where(Carrier.registered_at < bindparam("start", type_=DateTime)).limit(1)


def _quarter_due(s: Session, now: datetime) -> list[Due]:
    out = []
    current = checks.quarter_of(now)
    start, end = checks.quarter_bounds(current)
    if end - now <= CLEAR_OUT_WARNING and not _quarter_checked(s, current):
        out.append(Due("季度清查", "R30", end - timedelta(seconds=1), current,
                       f"{current} 季度尚未清查、清退", False))
    previous = checks.quarter_of(start - timedelta(days=1))
    had_carriers = s.scalar(_registered_before_query(), {"start": start})
    if had_carriers is not None and not _quarter_checked(s, previous):
        out.append(Due("季度清查", "R30", start - timedelta(seconds=1), previous,
                       f"{previous} 季度未做清查、清退", True))
    return out


@cache
def _periods_query() -> Select:
    # Filtered on the period only, so that SQLite takes its index (the state
    # index would win otherwise); the few rows are checked in Python.
    return (select(Carrier.number, Carrier.title, Carrier.level, Carrier.period_until, Carrier.state)
            .where(Carrier.period_until >= bindparam("first", type_=Date),
                   Carrier.period_until <= bindparam("last", type_=Date)))


def _periods_ending(s: Session, now: datetime) -> list[Due]:
    rows = s.connection().execute(_periods_query(), {"first": date(now.year, 1, 1),
                                                     "last": date(now.year, 12, 31)}).all()
    out = []
    for number, title, level, until, state in rows:
        if state in IN_CUSTODY:
            end = _end_of(until)
            # isoformat() writes what "%Y-%m-%d" does (the year has 4 digits), without
            # strftime's cost: it was most of the time of hundreds of these lines.
            out.append(Due("保密期限届满", "R05", end, number,
                           f"《{title}》（{level}）保密期限至 {until.isoformat()}，届时须办理解密或延期",
                           now > end))
    return out


def _holiday_inspections(now: datetime) -> list[Due]:
    return [Due("节前保密检查", "R61", _end_of(h.day - timedelta(days=1)), f"{h.day.year}{h.name}",
                f"{h.name}（{h.day:%m月%d日}）前须开展节前保密检查", False)
            for h in holidays.inspections_due(now.date())]
