"""A writable copy of a demo register with 5,000 carriers signed out now (figures 5 and 9).

The demo leaves only a few dozen carriers out; the overdue list and the dashboard are
measured with 5,000 out (half since yesterday, so overdue; half since two hours before
the copy was made), signed out through app.ledger.loans.lend_in like the lending form, in one
operation.  The copy is `baomi-demo-{N}-work.baomi` in bench/.cache/.

Hazard: figure 9's raw baseline writes rows into this copy behind the program's back,
so `baomi verify` reports the copy as tampered with; the pristine demo registers
(figures 3, 4, 8, 10) are never written that way.
"""
from __future__ import annotations

import shutil
import time
from datetime import timedelta
from pathlib import Path

from bench.registers import CACHE, WIP, _build_lock, ensure_demo, keys_of, now, sign_in

OUT = 5000


def work_path(carriers: int) -> Path:
    return CACHE / f"baomi-demo-{carriers}-work.baomi"


def ensure_work(carriers: int, *, log=print) -> Path:
    db = work_path(carriers)
    if db.exists() and keys_of(db).exists():
        return db
    src = ensure_demo(carriers, log=log)
    with _build_lock(f"work{carriers}"):
        if db.exists() and keys_of(db).exists():
            return db
        t = time.perf_counter()
        tmp = WIP / db.name
        log(f"copying {src.name} and signing out {OUT} carriers ...")
        shutil.copyfile(src, tmp)
        shutil.copyfile(keys_of(src), keys_of(tmp))
        _sign_out(tmp)
        import os
        os.replace(keys_of(tmp), keys_of(db))
        os.replace(tmp, db)
        Path(str(tmp) + ".lock").unlink(missing_ok=True)
        log(f"built {db.name} in {time.perf_counter() - t:.0f} s")
    return db


def _sign_out(db: Path) -> None:
    from sqlalchemy import exists, select

    from app.ledger.loans import lend_in
    from app.models.carriers import Carrier, Person
    from app.models.movements import Movement

    today = (now() - timedelta(hours=2)).replace(second=0, microsecond=0)  # never in the future
    yesterday = today - timedelta(days=1)
    reg = sign_in(db)
    try:
        with reg.read() as s:
            reader = s.scalars(select(Person.id).where(Person.clearance == "核心", Person.status == "在岗",
                                                       Person.is_leader.is_(False))).first()
            leader = s.scalars(select(Person.id).where(Person.is_leader.is_(True),
                                                       Person.status == "在岗")).first()
            later = exists().where(Movement.carrier_id == Carrier.id,
                                   Movement.occurred_at >= yesterday)  # events stay in order
            numbers = list(s.scalars(
                select(Carrier.number).where(Carrier.state == "在库", Carrier.scope_depts == "[]",
                                             Carrier.scope_people == "[]",
                                             Carrier.classified.is_(True),
                                             Carrier.registered_at < today - timedelta(days=30),
                                             ~later)
                .order_by(Carrier.id.desc()).limit(OUT)))
        with reg.operation("借出") as s:
            for i, number in enumerate(numbers):
                lend_in(s, number, borrower=reader, approver=leader, purpose="阅办",
                        at=(yesterday if i % 2 else today) + timedelta(seconds=i))
    finally:
        reg.close()
