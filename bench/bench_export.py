"""Benchmark: the quarterly workbook of a 100,000-carrier register against a plain openpyxl
write-only loop over the same rows, measured in the same run (target: at most 1.2 ×).

    PYTHONPATH=. python bench/bench_export.py [--carriers 100000] [--repeat 3]

The register is built once with app.ledger.demo (cheap key derivation) by
bench/registers.py and cached in bench/.cache/ (gitignored).  Two ratios are printed:
  write  – our sheet writing (styled header, validation, print set-up, progress)
           against appending the same rows to bare write-only sheets;
  total  – the whole export (queries + writing) against the same queries + the bare loop.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

HERE = Path(__file__).resolve().parent


def demo_register(carriers: int):
    """Sign in to the cached demo register of `carriers` carriers (bench/registers.py builds
    it once with app.ledger.demo, under a lock shared with the other benchmarks)."""
    from bench import registers
    db = registers.ensure_demo(carriers, log=lambda m: print(m, file=sys.stderr))
    return registers.sign_in(db)


def plain_write(sheets, path: Path) -> tuple[float, float]:
    """The baseline: the same rows appended to bare write-only sheets, then saved.
    Returns (wall, cpu) seconds."""
    t, c = time.perf_counter(), time.process_time()
    wb = Workbook(write_only=True)
    for sheet in sheets:
        ws = wb.create_sheet(sheet.name)
        ws.append(list(sheet.columns))
        for row in sheet.rows:
            ws.append(row)
    wb.save(str(path))
    return time.perf_counter() - t, time.process_time() - c


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--carriers", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=4)
    args = ap.parse_args()
    from app.io.export_xlsx import export_quarter

    reg = demo_register(args.carriers)
    work = Path(tempfile.mkdtemp(prefix="bench_export_"))
    ours, base, totals, base_totals, ours_cpu, base_cpu = [], [], [], [], [], []
    previous = None
    try:
        for i in range(args.repeat):
            marks: dict[str, object] = {}

            def gathered(sheets, marks=marks):
                marks["t"], marks["c"] = time.perf_counter(), time.process_time()
                marks["sheets"] = sheets

            # Alternate which goes first (after the first run), so neither always runs
            # on a heap the other has just churned.
            plain_first = i % 2 == 1 and previous is not None
            if plain_first:
                plain, plain_cpu = plain_write(previous, work / f"plain{i}.xlsx")
            t0 = time.perf_counter()
            result = export_quarter(reg, "2026Q4", work / f"ours{i}.xlsx", on_gathered=gathered)
            t1, c1 = time.perf_counter(), time.process_time()
            gather = marks["t"] - t0
            write, write_cpu = t1 - marks["t"], c1 - marks["c"]
            previous = marks["sheets"]
            if not plain_first:
                plain, plain_cpu = plain_write(previous, work / f"plain{i}.xlsx")
            ours.append(write)
            ours_cpu.append(write_cpu)
            base.append(plain)
            base_cpu.append(plain_cpu)
            totals.append(t1 - t0)
            base_totals.append(gather + plain)
            rows = sum(len(s.rows) for s in marks["sheets"])
            print(f"run {i + 1}: rows {rows} (清查清单 {result.counts['清查清单']}); gather {gather:.2f} s, "
                  f"our write {write:.2f} s ({write_cpu:.2f} s cpu), plain write {plain:.2f} s "
                  f"({plain_cpu:.2f} s cpu)", file=sys.stderr)
    finally:
        reg.close()
        shutil.rmtree(work, ignore_errors=True)
    w, p = min(ours), min(base)
    g = min(t - o for t, o in zip(totals, ours))  # the queries, best run
    t, bt = g + w, g + p
    print(f"export of {args.carriers} carriers: ours {t:.2f} s (write {w:.2f} s, {min(ours_cpu):.2f} s cpu); "
          f"plain write-only loop {p:.2f} s ({min(base_cpu):.2f} s cpu; + same queries {bt:.2f} s) "
          f"(best of {args.repeat})")
    print(f"ratio write {w / p:.3f} × wall, {min(ours_cpu) / min(base_cpu):.3f} × cpu; "
          f"ratio total {t / bt:.3f} × (target ≤ 1.2 ×)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
