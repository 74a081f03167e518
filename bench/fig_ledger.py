"""Figures 3, 4 and 5: the carrier ledger of a large register, through app.ledger.queries,
against raw sqlcipher3 running the same SQL.

3  open + first screen: Register.open_with_key (the key already unwrapped: figure 1 is the
   unlock) + carriers_page(limit=50) + count_carriers, against a raw sqlcipher3 connect,
   PRAGMA key and the same `SELECT ... ORDER BY number, id LIMIT 50` (target <= 5x).
   Every run opens a new connection (a cold SQLCipher page cache, a warm OS file cache).
4  title substring search (Chinese), first 50 + count, on the open register, against the
   raw FTS5 trigram query: first 50 by number and count(*) of the MATCH (target <= 3x).
5  what is out: the overdue list (queries.overdue) and the today dashboard
   (out_now + late_three_months + stats.deadlines) against the same SQL statements,
   caught from the product and replayed raw (target <= 1.5x); on the work copy with
   5,000 carriers out.
"""
from __future__ import annotations

import argparse
import sys
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
    """The first screen as the table shows it: the page's own source (app.ui.sources,
    what the lazy table model's first fetch calls) reads 50 rows; the count follows
    later on the worker (3c measures the two together)."""
    from app.ui.sources import carriers_source
    from app.ui.table_model import Query
    opened: list = []
    seen: dict[str, object] = {}

    def product() -> None:
        reg = open_product(db, key)
        opened.append(reg)
        seen["product"] = [r[1] for r in carriers_source(reg).fetch(Query(), 0, 50)]

    def product_count() -> None:
        reg = open_product(db, key)
        opened.append(reg)
        src = carriers_source(reg)
        src.fetch(Query(), 0, 50)
        seen["count"] = src.count(Query())

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
    a2, b2 = ab(product_count, baseline_count, runs, between=close)
    close()
    emit(figure("3", f"open + first screen (50 rows) of {seen['count']:,} carriers", a, b, 5.0,
                note="product: Register.open_with_key + the 收发登记 page's source (app.ui.sources."
                     "carriers_source) fetching 50 rows, as the table's first fetch; raw: connect + "
                     "key + the same page SELECT"))
    emit(figure("3c", "  the same with the row count (counted by the table in the background)",
                a2, b2, 5.0, informational=True,
                note="raw side: connect + key + page + SELECT count(*)"))
    fig3_first(db, key, max(3, runs // 2))


def fig3_first(db: Path, key: bytes, runs: int) -> None:
    """3f: the same once in a fresh process (bench/start/first_open.py): nothing compiled
    or cached yet, as the first screen after signing in.  Figure 3 opens again and again in
    one process, where the statements built once and the engine's compiled SQL are warm
    (as after an unlock from the lock screen)."""
    from bench.common import ab_process, offscreen_env
    env = offscreen_env()
    env["BENCH_KEY"] = key.hex()
    script = str(Path(__file__).resolve().parent / "start" / "first_open.py")
    a, b = ab_process([sys.executable, script, str(db), "product"],
                      [sys.executable, script, str(db), "raw"], runs, env=env)

    def took(r) -> float:  # noqa: ANN001
        return float(next(line for line in r.output.splitlines() if line.startswith("TOOK")).split()[1])
    emit(figure("3f", "  the same, first open in a fresh process (nothing compiled yet)",
                [took(r) for r in a], [took(r) for r in b], 5.0, informational=True,
                note="timed inside a new process after its imports; raw: connect + key + page"))


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

class Captured:
    """The SQL a product call sends to the driver, caught once, to be replayed raw.

    Why not hand-written SQL: the ledger's queries change (an index, a query split in
    two, a loop over rows), and a baseline written beside them goes stale without
    anyone noticing.  Replaying exactly the statements the product sent, with their
    parameters as the driver got them, makes the baseline the same queries by
    construction: the ratio is all that the product adds on top of SQLite and SQLCipher.
    Transaction control (BEGIN, COMMIT, ROLLBACK) is left out: the raw side reads in
    autocommit.
    """

    def __init__(self, fn) -> None:
        from sqlalchemy import event
        from sqlalchemy.engine import Engine
        self.statements: list[tuple[str, object]] = []

        def catch(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
            if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
                self.statements.append((statement, parameters))

        event.listen(Engine, "before_cursor_execute", catch)
        try:
            fn()
        finally:
            event.remove(Engine, "before_cursor_execute", catch)

    def replay(self, con) -> int:
        rows = 0
        for statement, parameters in self.statements:
            rows += len(con.execute(statement, parameters).fetchall())
        return rows


def fig5(db: Path, key: bytes, runs: int) -> None:
    from app.ledger import queries, stats
    reg = open_product(db, key)
    con = raw_connect(db, key)
    at = now()  # one moment for all runs, so that "overdue" keeps its meaning
    from app.clock import FakeClock
    reg.clock = FakeClock(at)
    got: dict[str, object] = {}
    try:
        def product_overdue() -> None:
            with queries.reading(reg) as s:
                got["overdue"] = len(queries.overdue(s))
                got["out"] = len(queries.out_now(s)) if "out" not in got else got["out"]

        def overdue_only() -> None:
            with queries.reading(reg) as s:
                queries.overdue(s)

        product_overdue()
        sql = Captured(overdue_only)
        a, b = ab(overdue_only, lambda: sql.replay(con), runs)
        emit(figure("5a", f"overdue list ({got['overdue']:,} overdue of {got['out']:,} out)", a, b, 1.5,
                    note=f"baseline: the {len(sql.statements)} statements queries.overdue sent, "
                         "replayed raw (bench/fig_ledger.py, Captured)"))

        def product_dash() -> None:
            with queries.reading(reg) as s:
                queries.out_now(s)
                queries.late_three_months(s)
                stats.deadlines(s)

        dash = Captured(product_dash)
        a, b = ab(product_dash, lambda: dash.replay(con), runs)
        emit(figure("5b", "today dashboard (out now, 3 months late, deadlines)", a, b, 1.5,
                    note=f"baseline: the {len(dash.statements)} statements of out_now + "
                         "late_three_months + stats.deadlines, replayed raw"))
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
