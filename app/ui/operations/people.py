"""The people of the register (涉密人员, R62): one op per ledger call."""
from __future__ import annotations

from datetime import date

from app.ledger import people
from app.ui.operations import LedgerOp, changes


def add_person(*, name: str, dept: str = "", clearance: str = "一般", is_leader: bool = False,
               is_principal_leader: bool = False, pledge_date: date | None = None,
               note: str = "") -> LedgerOp[int]:
    return LedgerOp(
        lambda reg: people.add_person(reg, name=name, dept=dept, clearance=clearance,
                                      is_leader=is_leader, is_principal_leader=is_principal_leader,
                                      pledge_date=pledge_date, note=note),
        lambda _id: changes({"people"}, (), f"已登记涉密人员 {name}"))


def set_status(*, person: str | int, status: str, until: date | None = None) -> LedgerOp[None]:
    """在岗 / 脱密期 / 离岗 (R40, R62: nobody leaves holding a carrier)."""
    return LedgerOp(lambda reg: people.set_status(reg, person, status, until=until),
                    lambda _r: changes({"people", "today"}, (), f"人员状态已改为{status}"))
