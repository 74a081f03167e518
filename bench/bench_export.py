"""Benchmark: the quarterly workbook of a 100,000-carrier register against a plain openpyxl
write-only loop over the same rows, measured in the same run (target: at most 1.2 ×).

    PYTHONPATH=. python bench/bench_export.py [--carriers 100000] [--repeat 3]

The register is built once with app.ledger.demo (cheap key derivation) and cached in
bench/.cache/ (gitignored).  Two ratios are printed:
  write  – our sheet writing (styled header, validation, print set-up, progress)
           against appending the same rows to bare write-only sheets;
  total  – the whole export (queries + writing) against the same queries + the bare loop.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
NOW = datetime(2026, 11, 20, 10, 0)
UNIT = "某市保密局机关"
ADMIN, ADMIN_PW = "admin", "Guanli#2026a"
CLERK, CLERK_PW = "clerk", "Baomi#2026ab"


def demo_register(carriers: int):
    """Sign in to the cached demo register of `carriers` carriers (built when missing)."""
    from app.clock import FakeClock
    from app.crypto.kdf import TEST_PARAMS
    from app.ledger import accounts, settings
    from app.ledger.demo import build_demo

    CACHE.mkdir(exist_ok=True)
    db = CACHE / f"demo{carriers}.baomi"
    clock = FakeClock(NOW)
    if not db.exists():
        tmp = CACHE / f".building-{carriers}.baomi"
        for p in (tmp, Path(str(tmp) + ".keys")):
            p.unlink(missing_ok=True)
        t = time.perf_counter()
        accounts.create_register(tmp, unit=UNIT, level="机密", admin=ADMIN, admin_password=ADMIN_PW,
                                 clerk=CLERK, clerk_password="Chushi#2026a", clock=clock,
                                 kdf=TEST_PARAMS)
        reg = accounts.sign_in(tmp, CLERK, "Chushi#2026a", clock=clock, allow_password_change=True)
        accounts.change_password(reg, "Chushi#2026a", CLERK_PW)
        with reg.operation("设置") as s:
            settings.put(s, "unit_name", UNIT)
        build_demo(reg, carriers=carriers, end=NOW)
        reg.close()
        os.replace(Path(str(tmp) + ".keys"), Path(str(db) + ".keys"))
        os.replace(tmp, db)
        print(f"built {db.name} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    return accounts.sign_in(db, CLERK, CLERK_PW, clock=clock)


def plain_write(sheets, path: Path) -> float:
    """The baseline: the same rows appended to bare write-only sheets, then saved."""
    t = time.perf_counter()
    wb = Workbook(write_only=True)
    for sheet in sheets:
        ws = wb.create_sheet(sheet.name)
        ws.append(list(sheet.columns))
        for row in sheet.rows:
            ws.append(row)
    wb.save(str(path))
    return time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--carriers", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    from app.io.export_xlsx import export_quarter

    reg = demo_register(args.carriers)
    work = Path(tempfile.mkdtemp(prefix="bench_export_"))
    ours, base, totals, base_totals = [], [], [], []
    try:
        for i in range(args.repeat):
            marks: dict[str, object] = {}

            def gathered(sheets, marks=marks):
                marks["t"] = time.perf_counter()
                marks["sheets"] = sheets

            t0 = time.perf_counter()
            result = export_quarter(reg, "2026Q4", work / f"ours{i}.xlsx", on_gathered=gathered)
            t1 = time.perf_counter()
            gather = marks["t"] - t0
            write = t1 - marks["t"]
            plain = plain_write(marks["sheets"], work / f"plain{i}.xlsx")
            ours.append(write)
            base.append(plain)
            totals.append(t1 - t0)
            base_totals.append(gather + plain)
            rows = sum(len(s.rows) for s in marks["sheets"])
            print(f"run {i + 1}: rows {rows} (清查清单 {result.counts['清查清单']}); gather {gather:.2f} s, "
                  f"our write {write:.2f} s, plain write {plain:.2f} s", file=sys.stderr)
    finally:
        reg.close()
        shutil.rmtree(work, ignore_errors=True)
    w, p, t, bt = min(ours), min(base), min(totals), min(base_totals)
    print(f"export of {args.carriers} carriers: ours {t:.2f} s (write {w:.2f} s); "
          f"plain write-only loop {p:.2f} s (+ same queries {bt:.2f} s)")
    print(f"ratio write {w / p:.3f} ×, ratio total {t / bt:.3f} × (target ≤ 1.2 ×)")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    sys.exit(main())
