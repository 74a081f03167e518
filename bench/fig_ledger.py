"""Figures 3, 4 and 5: the carrier ledger of a large register, through app.ledger.queries,
against raw sqlcipher3 running the same SQL.

3  open + first screen: Register.open_with_key (the key already unwrapped: figure 1 is the
   unlock) + carriers_page(limit=50) + count_carriers, against a raw sqlcipher3 connect,
   PRAGMA key and the same `SELECT ... ORDER BY number, id LIMIT 50` (target <= 5x).
   Every run opens a new connection (a cold SQLCipher page cache, a warm OS file cache).
4  title substring search (Chinese), first 50 + count, on the open register, against the
   raw FTS5 trigram query: first 50 by number and count(*) of the MATCH (target <= 3x).
5  what is out: the overdue list (queries.overdue) and the today dashboard
   (out_now + late_three_months + stats.deadlines) against raw SQL of the same queries,
   finished in Python the same way (target <= 1.5x); on the work copy with 5,000 out.
"""
from __future__ import annotations

import argparse
import calendar
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ab, emit, figure, log  # noqa: E402
from bench.registers import CLERK, data_key, ensure_demo, keys_of, now, raw_connect  # noqa: E402
from bench.workcopy import ensure_work  # noqa: E402

OUT = ("借出", "外出携带")
KEPT = ("在库", "已归档")
HOLDER = ("CASE WHEN (c.state IN ('借出', '外出携带')) THEN c.holder_id "
          "WHEN (c.state IN ('在库', '已归档')) THEN c.custodian_id END")
PAGE_SQL = (f"SELECT c.id, c.number, c.kind, c.title, c.doc_no, c.issuer, c.level, c.serial, "
            f"c.period, c.state, {HOLDER} AS holder_id, p.name, p.dept, c.location, c.registered_at "
            f"FROM carriers c LEFT JOIN people p ON p.id = {HOLDER} ")
FIRST_PAGE = PAGE_SQL + "ORDER BY c.number, c.id LIMIT 50"
SEARCH_PAGE = (PAGE_SQL.replace("FROM carriers c", "FROM carriers_fts f JOIN carriers c ON c.id = f.rowid")
               + "WHERE carriers_fts MATCH ? ORDER BY c.number, c.id LIMIT 50")
SEARCH_COUNT = "SELECT count(*) FROM carriers_fts WHERE carriers_fts MATCH ?"
TERMS = ("涉密载体管理", "保密宣传教育", "市纪委监委", "全省国家安全工作会议", "省安厅发〔2025〕1")


def open_product(db: Path, key: bytes):
    from app.clock import SystemClock
    from app.crypto.keyslots import KeyslotFile
    from app.models.accounts import ROLE_CLERK
    from app.store.register import Register
    reg = Register.open_with_key(db, key, KeyslotFile.load(keys_of(db)), SystemClock())
    reg.actor, reg.roles = CLERK, frozenset({ROLE_CLERK})  # what sign_in sets after the unlock
    return reg


# -- 3 ------------------------------------------------------------------------------------

def fig3(db: Path, key: bytes, runs: int) -> None:
    from app.ledger import queries
    opened: list = []
    seen: dict[str, object] = {}

    def product() -> None:
        reg = open_product(db, key)
        opened.append(reg)
        with queries.reading(reg) as s:
            rows = queries.carriers_page(s, limit=50)
            seen["count"] = queries.count_carriers(s)
        seen["product"] = [r.number for r in rows]

    def product_no_count() -> None:
        reg = open_product(db, key)
        opened.append(reg)
        with queries.reading(reg) as s:
            queries.carriers_page(s, limit=50)

    def baseline() -> None:
        con = raw_connect(db, key)
        opened.append(con)
        seen["raw"] = [r[1] for r in con.execute(FIRST_PAGE).fetchall()]

    def baseline_count() -> None:
        con = raw_connect(db, key)
        opened.append(con)
        con.execute(FIRST_PAGE).fetchall()
        con.execute("SELECT count(*) FROM carriers").fetchone()

    def close() -> None:
        while opened:
            opened.pop().close()

    a, b = ab(product, baseline, runs, between=close)
    close()
    assert seen["product"] == seen["raw"], "the product and the raw query disagree on the first page"
    emit(figure("3", f"open + first screen (50 rows + count) of {seen['count']:,} carriers",
                a, b, 5.0, note="product: open_with_key + carriers_page + count_carriers; "
                                "raw: connect + key + the same page SELECT"))
    a2, b2 = ab(product_no_count, baseline_count, runs, between=close)
    close()
    emit(figure("3i", "  diagnostic: product open + page without count | raw open + page + count",
                a2, b2, 5.0, informational=True))


# -- 4 ------------------------------------------------------------------------------------

def fig4(db: Path, key: bytes, runs: int) -> None:
    from app.ledger import queries
    reg = open_product(db, key)
    con = raw_connect(db, key)
    try:
        for i, term in enumerate(TERMS):
            got: dict[str, object] = {}

            def product(term=term) -> None:
                with queries.reading(reg) as s:
                    rows = queries.carriers_page(s, search=term, limit=50)
                    got["p"] = ([r.number for r in rows], queries.count_carriers(s, search=term))

            def baseline(term=term) -> None:
                q = '"' + term.replace('"', '""') + '"'
                rows = con.execute(SEARCH_PAGE, (q,)).fetchall()
                got["r"] = ([r[1] for r in rows], con.execute(SEARCH_COUNT, (q,)).fetchone()[0])

            a, b = ab(product, baseline, runs)
            assert got["p"] == got["r"], f"search {term}: product and raw disagree"
            emit(figure(f"4{'abcdefgh'[i]}", f"search 「{term}」: first 50 + count ({got['p'][1]:,} hits)",
                        a, b, 3.0))
    finally:
        reg.close()
        con.close()


# -- 5 ------------------------------------------------------------------------------------

OUT_NOW_SQL = """
SELECT c.id, c.number, c.title, c.level, m.id, m.person_id, b.name, b.dept, a.name,
       m.occurred_at, m.due_at, c.state
FROM carriers c
JOIN movements m ON m.id = coalesce(c.open_movement_id,
    (SELECT m2.id FROM movements m2 WHERE m2.carrier_id = c.id AND m2.kind = '借出'
     ORDER BY m2.occurred_at DESC, m2.id DESC LIMIT 1))
LEFT JOIN people b ON b.id = m.person_id
LEFT JOIN people a ON a.id = m.approver_id
WHERE c.state IN ('借出', '外出携带')
ORDER BY m.occurred_at, c.number"""
LATE_SQL = """
SELECT c.id, c.number, c.title, c.level, c.holder_id, m.occurred_at, m.due_at
FROM carriers c JOIN movements m ON m.id = c.open_movement_id
WHERE c.state IN ('借出', '外出携带') AND m.closed_by_id IS NULL"""
DEMAND_SQL = """
SELECT min(occurred_at) FROM movements WHERE carrier_id = ? AND kind = '清查'
AND occurred_at >= ? AND json_extract(detail, '$.return_demanded') = 1"""
CLASSIFY_SQL = """
SELECT number, title, doc_date, registered_at FROM carriers
WHERE classified = 0 AND state != '已销毁' ORDER BY doc_date, number"""
INCIDENTS_SQL = "SELECT number, discovered_at, reported_at, result_at FROM incidents WHERE closed = 0"
CHECKED_SQL = ("SELECT id FROM batches WHERE kind = '清查' AND json_extract(detail, '$.quarter') = ? "
               "LIMIT 1")
PERIODS_SQL = """
SELECT number, title, level, period_until FROM carriers
WHERE period_until >= ? AND period_until <= ?
AND state IN ('借出', '外出携带', '在库', '已归档')"""


def _dt(v):
    return datetime.fromisoformat(v) if isinstance(v, str) else v


def _raw_end_of_day(con) -> tuple[int, int]:
    import json
    row = con.execute("SELECT value FROM settings WHERE key = 'end_of_day'").fetchone()
    hh, mm = (json.loads(row[0]) if row else "17:30").split(":")
    return int(hh), int(mm)


def raw_out_now(con, now: datetime) -> list[tuple]:
    hh, mm = _raw_end_of_day(con)
    out = []
    for r in con.execute(OUT_NOW_SQL):
        out_at, due = _dt(r[9]), _dt(r[10])
        end = datetime.combine(out_at.date(), time(hh, mm))
        same_day = end if out_at < end else datetime.combine(out_at.date(), time(23, 59, 59))
        if r[11] == "外出携带" and due is not None:
            deadline = due
        else:
            deadline = min(due, same_day) if due is not None else same_day
        out.append((r, deadline, now > deadline))
    return out


def raw_dashboard(con, now: datetime) -> tuple:
    out = raw_out_now(con, now)
    late = []
    for cid, number, title, level, holder, occurred, due in con.execute(LATE_SQL).fetchall():
        if holder is not None:
            con.execute("SELECT name FROM people WHERE id = ?", (holder,)).fetchone()
        due = _dt(due)
        if due is not None and _add_months(due, 3) < now:
            late.append(number)
            continue
        demand = con.execute(DEMAND_SQL, (cid, occurred)).fetchone()[0]
        if demand is not None and _add_months(_dt(demand), 3) < now:
            late.append(number)
    pending = [r for r in con.execute(CLASSIFY_SQL)
               if (date.fromisoformat(r[2]) if r[2] else _dt(r[3]).date()) + timedelta(days=10)
               <= now.date() + timedelta(days=10)]
    incidents = con.execute(INCIDENTS_SQL).fetchall()
    q = (now.month - 1) // 3
    cur = f"{now.year}Q{q + 1}"
    prev = f"{now.year}Q{q}" if q else f"{now.year - 1}Q4"
    checked = [con.execute(CHECKED_SQL, (cur,)).fetchone(), con.execute(CHECKED_SQL, (prev,)).fetchone()]
    start = datetime(now.year, 3 * q + 1, 1)
    con.execute("SELECT id FROM carriers WHERE registered_at < ? LIMIT 1", (str(start),)).fetchone()
    periods = con.execute(PERIODS_SQL, (f"{now.year}-01-01", f"{now.year}-12-31")).fetchall()
    return out, late, pending, incidents, checked, periods


def _add_months(when: datetime, months: int) -> datetime:
    y, m = divmod(when.month - 1 + months, 12)
    year, month = when.year + y, m + 1
    return when.replace(year=year, month=month, day=min(when.day, calendar.monthrange(year, month)[1]))


def fig5(db: Path, key: bytes, runs: int) -> None:
    from app.ledger import queries, stats
    reg = open_product(db, key)
    con = raw_connect(db, key)
    got: dict[str, object] = {}
    at = now()  # one moment for both sides, so that "overdue" means the same
    from app.clock import FakeClock
    reg.clock = FakeClock(at)
    try:
        def product_overdue() -> None:
            with queries.reading(reg) as s:
                got["p"] = [r.number for r in queries.overdue(s)]

        def raw_overdue() -> None:
            got["r"] = [r[0][1] for r in raw_out_now(con, at) if r[2]]

        a, b = ab(product_overdue, raw_overdue, runs)
        assert got["p"] == got["r"], "overdue: product and raw disagree"
        with queries.reading(reg) as s:
            out = len(queries.out_now(s))
        emit(figure("5a", f"overdue list ({len(got['p']):,} overdue of {out:,} out)", a, b, 1.5))

        def product_dash() -> None:
            with queries.reading(reg) as s:
                got["p"] = (len(queries.out_now(s)), len(queries.late_three_months(s)),
                            len(stats.deadlines(s)))

        def raw_dash() -> None:
            o, late, pending, incidents, checked, periods = raw_dashboard(con, at)
            got["r"] = (len(o), len(late), pending, incidents, checked, periods)

        a, b = ab(product_dash, raw_dash, runs)
        assert got["p"][:2] == got["r"][:2], f"dashboard: {got['p']} vs {got['r'][:2]}"
        emit(figure("5b", "today dashboard (out now, 3 months late, deadlines)", a, b, 1.5))
    finally:
        reg.close()
        con.close()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--carriers", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--only", default="345")
    args = ap.parse_args()
    db = ensure_demo(args.carriers, log=log)
    key = data_key(db)
    if "3" in args.only:
        fig3(db, key, args.runs)
    if "4" in args.only:
        fig4(db, key, args.runs)
    if "5" in args.only:
        work = ensure_work(args.carriers, log=log)
        fig5(work, data_key(work), args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
