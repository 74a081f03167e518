"""Figure 3f: the first open + first screen in a fresh process, timed inside it.

Everything is imported first (figure 2 measures imports); then one Register.open_with_key
and the 收发登记 page's first fetch of 50 rows, with nothing compiled or cached yet in this
process: what the clerk's first screen after signing in costs.  `raw`: connect + key + the
same page SELECT, also once in a fresh process.

    BENCH_KEY=<data key in hex> python first_open.py DB product|raw
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.fig_ledger import FIRST_PAGE, open_product  # noqa: E402
from bench.registers import raw_connect  # noqa: E402


def main() -> int:
    db, side = Path(sys.argv[1]), sys.argv[2]
    key = bytes.fromhex(os.environ["BENCH_KEY"])
    if side == "product":
        from app.ui.sources import carriers_source
        from app.ui.table_model import Query
        t = time.perf_counter()
        reg = open_product(db, key)
        rows = carriers_source(reg).fetch(Query(), 0, 50)
        took = time.perf_counter() - t
        reg.close()
    else:
        t = time.perf_counter()
        con = raw_connect(db, key)
        rows = con.execute(FIRST_PAGE).fetchall()
        took = time.perf_counter() - t
        con.close()
    assert len(rows) == 50
    print(f"TOOK {took:.9f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
