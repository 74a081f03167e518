"""Figure 9: sign-out + sign-in of one carrier — app.ledger.loans.lend then return_, one
transaction each, journal entries included — against raw sqlcipher3 doing an insert and
an update in one transaction, twice (the movement and the carrier, out then back), with
synchronous=FULL in WAL mode on the same file (target <= 5x).

Runs on the work copy of the large register (bench/workcopy.py); each run uses a carrier
of its own, in custody and without a reading scope.  The raw side writes into a second
copy of it beside the first (`...-raw.baomi`, made once): on one shared file each side's
commits would throw away the other's page cache (SQLite re-reads a database another
connection changed), a cost the app, the only writer of its register, never pays.
"""
from __future__ import annotations

import argparse
import sys
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ab, emit, figure, log  # noqa: E402
from bench.registers import WIP, data_key, raw_connect, sign_in  # noqa: E402
from bench.workcopy import ensure_work  # noqa: E402

INSERT = ("INSERT INTO movements (carrier_id, kind, occurred_at, entered_at, account, person_id, "
          "approver_id, batch_id, due_at, closed_by_id, state_after, flagged, detail) "
          "VALUES (?, ?, ?, ?, 'clerk', ?, ?, NULL, ?, NULL, ?, '', ?)")


def raw_copy(db: Path) -> Path:
    """A copy of the work register for the raw side (same file system), made once."""
    import shutil
    target = db.with_name(db.stem + "-raw.baomi")
    if not target.exists():
        log(f"copying {db.name} for the raw baseline ...")
        tmp = WIP / target.name
        shutil.copyfile(db, tmp)
        tmp.replace(target)
    return target


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--carriers", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    from sqlalchemy import select

    from app.clock import SystemClock
    from app.ledger import loans
    from app.models.carriers import Carrier, Person

    db = ensure_work(args.carriers, log=log)
    key = data_key(db)
    raw_db = raw_copy(db)
    reg = sign_in(db, clock=SystemClock())
    with reg.read() as s:
        reader = s.scalars(select(Person.id).where(Person.clearance == "核心", Person.status == "在岗",
                                                   Person.is_leader.is_(False))).first()
        leader = s.scalars(select(Person.id).where(Person.is_leader.is_(True),
                                                   Person.status == "在岗")).first()
        free = list(s.execute(
            select(Carrier.id, Carrier.number).where(
                Carrier.state == "在库", Carrier.scope_depts == "[]", Carrier.scope_people == "[]",
                Carrier.classified.is_(True))
            .order_by(Carrier.id).limit(2 * (args.runs + 2))))
    ours, theirs = iter(free[0::2]), iter(free[1::2])
    con = raw_connect(raw_db, key, synchronous="FULL")
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"

    def product() -> None:
        _, number = next(ours)
        loans.lend(reg, number, borrower=reader, approver=leader, purpose="阅办")
        loans.return_(reg, number, returned_by=reader)

    def baseline() -> None:
        carrier_id, _ = next(theirs)
        now = datetime.now()
        con.execute("BEGIN IMMEDIATE")
        out = con.execute(INSERT, (carrier_id, "借出", str(now), str(now), reader, leader,
                                   str(now + timedelta(hours=4)), "借出", '{"purpose":"阅办"}')).lastrowid
        con.execute("UPDATE carriers SET state = '借出', holder_id = ?, open_movement_id = ? WHERE id = ?",
                    (reader, out, carrier_id))
        con.execute("COMMIT")
        con.execute("BEGIN IMMEDIATE")
        back = con.execute(INSERT, (carrier_id, "归还", str(now), str(now), reader, None, None, "在库",
                                    '{"condition":"完好"}')).lastrowid
        con.execute("UPDATE carriers SET state = '在库', holder_id = NULL, open_movement_id = NULL "
                    "WHERE id = ?", (carrier_id,))
        con.execute("COMMIT")
        assert back > out

    try:
        a, b = ab(product, baseline, args.runs)
    finally:
        reg.close()
        con.close()
    emit(figure("9", "sign-out + sign-in of one carrier (2 transactions, journal included)", a, b, 5.0,
                note="product: loans.lend + loans.return_; raw: 2 × (BEGIN IMMEDIATE, INSERT, "
                     "UPDATE, COMMIT), synchronous=FULL, WAL"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
