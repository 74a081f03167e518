"""Benchmark: printing 10,000 ledger rows with the page engine against a raw QPainter loop
that draws the same rows and columns on a QPdfWriter, in the same run (target ≤ 1.5 ×).

    PYTHONPATH=. python bench/bench_print.py [--rows 10000] [--repeat 3]

The rows are those of the 收发登记 layout (13 columns, realistic Chinese titles of
varying length, some wrapping).  The raw loop draws every cell of every row with
the same font and column widths at a fixed row height, each cell as one
`drawText(point, text)` (the fastest QPainter call: no layout, no wrapping), rules
every row and breaks pages by count: no measuring, no header or footer.  The
engine measures every row, wraps what does not fit, breaks pages so no row is
split, and paints the page furniture (marking, title, period, printer, page N/M,
checkpoint).  `--rect-baseline` makes the raw loop lay each cell out in its
rectangle with word wrap instead (what a straightforward ledger loop does).
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TITLES = ["关于做好{y}年度保密自查自评工作的通知", "全市国家安全形势分析报告（第{n}期）",
          "关于印发《涉密人员管理办法》的通知", "会议纪要", "{y}年度涉密载体清查清退工作方案（征求意见稿）",
          "市委办公室关于做好国庆期间保密工作的紧急通知及附件材料汇编", "重要目标防护方案",
          "关于开展保密宣传月活动的通知", "机关内部通讯录", "专项检查情况通报"]
UNITS = ["市委办公厅", "市政府办公室", "市保密局", "省国家安全厅", "市公安局", "市委组织部"]
LEVELS = ["秘密"] * 6 + ["机密"] * 3 + ["绝密", "内部"]


def rows(n: int) -> list[tuple]:
    rnd = random.Random(7)
    start = datetime(2026, 1, 5, 9, 0)
    out = []
    for i in range(1, n + 1):
        level = rnd.choice(LEVELS)
        t = rnd.choice(TITLES).format(y=2026, n=i % 50)
        out.append((f"2026-{i:06d}", f"市委办发〔2026〕{i % 300}号", t, level, 1,
                    f"{i % 40:03d}" if level in ("机密", "绝密") else "", rnd.choice(UNITS),
                    (start + timedelta(hours=i)).date(), "10年", "张三", rnd.choice(["在库", "借出（李四）", "2026-11-12 销毁"]),
                    "" if i % 7 else "R01 2026-11-20补登"))
    return out


def raw_loop(data: list[tuple], layout, path: Path, rect: bool = False) -> tuple[float, float]:
    """Draw the same cells on a QPdfWriter as plainly as possible; (wall, cpu) seconds."""
    from PySide6.QtCore import QPointF, QRectF, Qt
    from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen

    from app.io import qtenv
    from app.io.printing import _widths, new_pdf_writer
    t0, c0 = time.perf_counter(), time.process_time()
    writer = new_pdf_writer(path, title="raw")
    painter = QPainter(writer)
    font = qtenv.font(layout.font_pt)
    painter.setFont(font)
    painter.setPen(QPen(QColor("black"), 2))
    mm = writer.logicalDpiX() / 25.4
    width, height = float(writer.width()), float(writer.height())
    widths = _widths(layout.columns, width, mm)
    xs = [0.0]
    for w in widths:
        xs.append(xs[-1] + w)
    row_h = QFontMetricsF(font, writer).height() * 2 + 1.6 * mm  # room for two lines
    per_page = int(height // row_h)
    flags = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap)
    ascent = QFontMetricsF(font, writer).ascent()
    y = 0.0
    for i, row in enumerate(data):
        if i and i % per_page == 0:
            writer.newPage()
            y = 0.0
        cells = (str(i + 1),) + tuple("" if v is None else str(v) for v in row)
        for c, text in enumerate(cells):
            if rect:
                painter.drawText(QRectF(xs[c] + mm, y, widths[c] - 2 * mm, row_h), flags, text)
            else:
                painter.drawText(QPointF(xs[c] + mm, y + 0.8 * mm + ascent), text)
        painter.drawLine(QPointF(0, y + row_h), QPointF(width, y + row_h))
        y += row_h
    painter.end()
    del writer
    return time.perf_counter() - t0, time.process_time() - c0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--rect-baseline", action="store_true")
    args = ap.parse_args()
    from app.io import qtenv
    from app.io.ledger_layouts import LEDGERS
    from app.io.printing import PageMeta, PrintDoc, new_pdf_writer, print_pdf, render

    qtenv.ensure_gui()
    layout = LEDGERS["收发登记"].layout
    data = rows(args.rows)
    meta = PageMeta("某市保密局机关", "2026-01-01 至 2026-12-31", "clerk", datetime(2026, 11, 20, 9, 0),
                    "123456:0a1b2c3d4e5f")
    work = Path(tempfile.mkdtemp(prefix="bench_print_"))
    ours, raw, ours_cpu, raw_cpu, atomic = [], [], [], [], []
    pages = 0
    for i in range(args.repeat):
        wall, cpu = raw_loop(data, layout, work / f"raw{i}.pdf", rect=args.rect_baseline)
        raw.append(wall)
        raw_cpu.append(cpu)
        # The engine on the same kind of device (a QPdfWriter on a file), like the raw loop.
        t, c = time.perf_counter(), time.process_time()
        writer = new_pdf_writer(work / f"ours{i}.pdf", title="engine")
        r = render(PrintDoc(layout, data, meta), writer)
        del writer
        ours.append(time.perf_counter() - t)
        ours_cpu.append(time.process_time() - c)
        pages = r.pages
        # What `baomi print` does on top: a temporary file, fsync, rename.
        t = time.perf_counter()
        print_pdf(PrintDoc(layout, data, meta), work / f"atomic{i}.pdf")
        atomic.append(time.perf_counter() - t)
        print(f"run {i + 1}: engine {ours[-1]:.2f} s wall / {ours_cpu[-1]:.2f} s cpu ({r.pages} pages, "
              f"{(work / f'ours{i}.pdf').stat().st_size / 1e6:.1f} MB), raw loop {raw[-1]:.2f} s wall / "
              f"{raw_cpu[-1]:.2f} s cpu; print_pdf (atomic, fsync) {atomic[-1]:.2f} s", file=sys.stderr)
    for p in work.iterdir():
        p.unlink()
    work.rmdir()
    kind = "drawText(rect, wrap)" if args.rect_baseline else "drawText(point)"
    print(f"printing {args.rows} rows ({pages} pages): engine {min(ours):.2f} s wall, "
          f"{min(ours_cpu):.2f} s cpu; raw QPainter loop [{kind}] {min(raw):.2f} s wall, "
          f"{min(raw_cpu):.2f} s cpu; print_pdf with atomic write {min(atomic):.2f} s (best of {args.repeat})")
    print(f"ratio {min(ours) / min(raw):.3f} × wall, {min(ours_cpu) / min(raw_cpu):.3f} × cpu "
          "(target ≤ 1.5 ×)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
