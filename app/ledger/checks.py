"""The quarterly check (清查) and what it finds (R30, R45).

One check of one quarter may be recorded in several sittings or re-imported from
the clear-out workbook: recording the same result again for the same carrier
and quarter changes nothing.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from app.errors import BadInput, RuleViolation
from app.ledger import lookup
from app.ledger.accounts import require_role
from app.ledger.incidents import carrier_content, close_open_loan, open_incident_in
from app.ledger.record import event_time, record_movement
from app.ledger.state import ARCHIVED, CARRIED, IN, MISSING, OUT, next_state
from app.ledger.withdraw import withdraw_in
from app.models.accounts import ROLE_CLERK
from app.models.carriers import Carrier, Person
from app.models.movements import Batch, Movement
from app.store.register import Register

RESULTS = ("在", "缺失", "清退", "拟销毁")
IN_CUSTODY = (IN, OUT, CARRIED, ARCHIVED)  # what a check must account for
CHECKABLE = IN_CUSTODY + (MISSING,)  # a missing carrier may turn up at the next check
SOURCE = "保密制度汇编 四、七"


@dataclass
class CheckSummary:
    quarter: str
    recorded: list[str] = field(default_factory=list)  # numbers with a new 清查 movement
    unchanged: list[str] = field(default_factory=list)  # same result already recorded
    incidents: list[str] = field(default_factory=list)  # incident numbers opened (缺失)
    withdrawn: list[str] = field(default_factory=list)  # returned to the issuer (清退)
    demanded: list[str] = field(default_factory=list)  # 清退 due but the carrier is out


# -- quarters ---------------------------------------------------------------------

_QUARTER = re.compile(r"\s*(\d{4})\s*[-年]?\s*[Qq第]?\s*([1-4一二三四])\s*(季度)?\s*")
_CN_DIGIT = {"一": 1, "二": 2, "三": 3, "四": 4}


def parse_quarter(text: str) -> tuple[int, int]:
    """"2026Q4", "2026-Q4", "2026年第四季度" → (2026, 4)."""
    m = _QUARTER.fullmatch(text or "")
    if not m:
        raise BadInput(f"季度「{text}」的格式不对，应如 2026Q4。")
    q = m.group(2)
    return int(m.group(1)), _CN_DIGIT.get(q) or int(q)


def quarter_name(text: str) -> str:
    year, q = parse_quarter(text)
    return f"{year}Q{q}"


def quarter_bounds(text: str) -> tuple[datetime, datetime]:
    """(start, end) of a quarter: start inclusive, end exclusive (the next quarter's start)."""
    year, q = parse_quarter(text)
    start = datetime(year, 3 * q - 2, 1)
    end = datetime(year + 1, 1, 1) if q == 4 else datetime(year, 3 * q + 1, 1)
    return start, end


def quarter_of(when: date | datetime) -> str:
    return f"{when.year}Q{(when.month - 1) // 3 + 1}"


# -- what should be checked -----------------------------------------------------------

def expected_for_check(s: Session, quarter: str) -> list[Carrier]:
    """R30: every carrier in custody at the quarter's end (在库, 借出, 外出携带, 已归档).

    For the running quarter that is the current state; for a past quarter the
    state after each carrier's last movement before the quarter ended (so a
    carrier destroyed since is still on that quarter's list).
    """
    _, end = quarter_bounds(quarter)
    if end > s.info["clock"].now():
        return list(s.scalars(select(Carrier).where(Carrier.state.in_(IN_CUSTODY))
                              .order_by(Carrier.number)))
    ranked = (select(Movement.carrier_id, Movement.state_after,
                     func.row_number().over(partition_by=Movement.carrier_id,
                                            order_by=(Movement.occurred_at.desc(),
                                                      Movement.id.desc())).label("rn"))
              .where(Movement.occurred_at < end).subquery())
    ids = select(ranked.c.carrier_id).where(and_(ranked.c.rn == 1,
                                                 ranked.c.state_after.in_(IN_CUSTODY)))
    return list(s.scalars(select(Carrier).where(Carrier.id.in_(ids)).order_by(Carrier.number)))


def recorded_results(s: Session, quarter: str) -> dict[int, str]:
    """carrier id → the last result recorded for the quarter."""
    quarter = quarter_name(quarter)
    rows = s.execute(select(Movement.carrier_id, Movement.detail).where(
        Movement.kind == "清查",
        func.json_extract(Movement.detail, "$.quarter") == quarter).order_by(Movement.id))
    return {cid: json.loads(detail).get("result", "") for cid, detail in rows}


# -- recording --------------------------------------------------------------------

def check_items(reg: Register, quarter: str, results: dict[str, str], *,
                at: datetime | None = None) -> CheckSummary:
    """Record the results of a quarter's check, all in one transaction.

    R30: each carrier checked gets a 清查 movement (quarter, result) in one
    Batch(清查).  "缺失" makes it 下落不明 and opens an incident with what is
    known (R45; source 清查).  "清退" returns it to its issuer at once when it
    is in the room; when it is out, the demand is recorded and the borrower has
    three months (R31, see incidents.late_three_months).  "拟销毁" marks it for
    the destruction list.  Recording the same result again changes nothing.
    """
    require_role(reg, ROLE_CLERK)
    with reg.operation("清查") as s:
        return check_items_in(s, quarter, results, at=at)


def check_items_in(s: Session, quarter: str, results: dict[str, str], *,
                   at: datetime | None = None) -> CheckSummary:
    when = event_time(s, at)
    quarter = quarter_name(quarter)
    summary = CheckSummary(quarter)
    plan = _plan(s, quarter, results, summary, when)  # every refusal happens here
    if not plan:
        return summary
    now = s.info["clock"].now()
    batch = Batch(kind="清查", occurred_at=when, entered_at=now,
                  detail=json.dumps({"quarter": quarter, "count": len(plan)}, ensure_ascii=False))
    s.add(batch)
    s.flush()
    for carrier, result in plan:
        _record(s, carrier, result, quarter, when, batch.id, summary)
    return summary


def _plan(s: Session, quarter: str, results: dict[str, str],
          summary: CheckSummary, when: datetime) -> list[tuple[Carrier, str]]:
    """Validate every line before anything is written; drop what is already recorded."""
    if not results:
        raise BadInput("没有清查结果可登记。")
    done = recorded_results(s, quarter)
    plan: list[tuple[Carrier, str]] = []
    seen: set[int] = set()
    for number, result in results.items():
        result = (result or "").strip()
        if result not in RESULTS:
            raise BadInput(f"{number} 的清查结果「{result}」无效，应为 {'、'.join(RESULTS)} 之一。")
        carrier = lookup.carrier_by_number(s, number)
        if carrier.id in seen:
            raise BadInput(f"{carrier.number} 在本次清查中出现了两次。")
        seen.add(carrier.id)
        if done.get(carrier.id) == result:
            summary.unchanged.append(carrier.number)
            continue
        _check_possible(carrier, result)
        plan.append((carrier, result))
    return plan


def _check_possible(carrier: Carrier, result: str) -> None:
    if carrier.state not in CHECKABLE:
        raise RuleViolation("R30", f"{carrier.number} 当前状态为{carrier.state}，不在本单位保管之中，"
                                   "不属清查范围", SOURCE)
    next_state(carrier.state, "清查", {"result": result})
    if result == "清退" and carrier.state == IN:
        next_state(carrier.state, "清退")
        if not carrier.issuer.strip():
            raise BadInput(f"{carrier.number} 没有登记来文单位，无法清退，请单独办理清退并写明退往单位。")
    if result == "清退" and carrier.state in (ARCHIVED, MISSING):
        raise RuleViolation("R30", f"{carrier.number} 当前状态为{carrier.state}，不能清退", SOURCE)


def _record(s: Session, carrier: Carrier, result: str, quarter: str, when: datetime,
            batch_id: int, summary: CheckSummary) -> None:
    was = carrier.state
    detail: dict = {"quarter": quarter, "result": result}
    if result == "清退" and was in (OUT, CARRIED):
        detail["return_demanded"] = True  # R31: three months from now
    movement = record_movement(s, carrier, "清查", when, batch_id=batch_id,
                    person_id=carrier.holder_id if was in (OUT, CARRIED) else None, detail=detail)
    summary.recorded.append(carrier.number)
    if result == "缺失" and was != MISSING:
        summary.incidents.append(_open_missing(s, carrier, quarter, when))
    elif result == "在" and was == MISSING:
        close_open_loan(s, carrier, movement)
    elif result == "清退" and was == IN:
        withdraw_in(s, carrier.number, to_unit=carrier.issuer, receipt_no="",
                    at=when, batch_id=batch_id, note=f"{quarter}清查清退")
        summary.withdrawn.append(carrier.number)
    elif result == "清退":
        summary.demanded.append(carrier.number)


def _open_missing(s: Session, carrier: Carrier, quarter: str, when: datetime) -> str:
    """R45: an incident with what the register knows; the clerk completes the rest."""
    who_id = carrier.holder_id or carrier.custodian_id
    who = s.get(Person, who_id) if who_id else None
    return open_incident_in(
        s, discovered_at=when, carrier=carrier.number, content=carrier_content(carrier),
        how_found=f"{quarter}季度清查时发现该载体缺失",
        responsible=f"{who.name}（{who.dept}）" if who else "待查明",
        course="待查明", harm="待评估", investigation="正在调查",
        remedies="正在查找；按失泄密事件报告", source="清查")


def destruction_candidates(s: Session) -> list[Carrier]:
    """Carriers whose last check result is 拟销毁 and that are still in the room (R30, R32)."""
    last = (select(Movement.carrier_id, func.max(Movement.id).label("mid"))
            .where(Movement.kind == "清查").group_by(Movement.carrier_id).subquery())
    q = (select(Carrier).join(last, last.c.carrier_id == Carrier.id)
         .join(Movement, Movement.id == last.c.mid)
         .where(Carrier.state == IN,
                func.json_extract(Movement.detail, "$.result") == "拟销毁")
         .order_by(Carrier.number))
    return list(s.scalars(q))
