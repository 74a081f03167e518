"""Carrier labels: the register number as a QR code, the number, the 密级 and a short title.

`baomi labels DB --user U NUMBER... --out FILE.pdf [--sheet A4|label-60x40]`.
A4 sheets hold 3 × 8 labels of 70 × 37 mm (the common self-adhesive sheet);
`label-60x40` is one label per page for a label printer.  The QR code is a full
QR (never Micro QR, which hand scanners often cannot read), error correction M,
with its 4-module quiet zone, drawn module by module as rectangles so it stays
sharp at any printer resolution.  A barcode scanner reading it types the number
followed by Enter, as every number field of the program expects.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import segno
from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFontMetricsF,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPen,
)

from app.errors import BadInput, NotFound
from app.io import qtenv
from app.io.jobs import CancelFn, ProgressFn, Ticker, atomic_path
from app.io.marks import marking
from app.io.printing import MARK_COLOUR, PDF_DPI
from app.ledger import lookup
from app.ledger.queries import carriers_page, reading
from app.store.register import Register

QUIET_ZONE = 4  # modules of white around the code (ISO/IEC 18004)
TITLE_CHARS = 28  # a short title: the label is not the place for the whole title


@dataclass(frozen=True)
class Label:
    number: str
    level: str
    title: str
    serial: str = ""


@dataclass(frozen=True)
class SheetSpec:
    """A page of labels: page size, the grid and the size of one label (mm)."""

    name: str
    page_mm: tuple[float, float]
    columns: int
    rows: int
    label_mm: tuple[float, float]
    origin_mm: tuple[float, float] = (0.0, 0.0)  # top-left of the first label
    outline: bool = True  # a faint cutting outline (plain paper)


SHEETS = {
    "A4": SheetSpec("A4", (210.0, 297.0), 3, 8, (70.0, 37.0), (0.0, 0.5)),
    "label-60x40": SheetSpec("label-60x40", (60.0, 40.0), 1, 1, (60.0, 40.0), outline=False),
}


@dataclass
class LabelResult:
    path: Path | None
    labels: int
    pages: int


def short_title(title: str, limit: int = TITLE_CHARS) -> str:
    title = " ".join(title.split())
    return title if len(title) <= limit else title[:limit - 1] + "…"


def labels_for(reg: Register, numbers: list[str]) -> list[Label]:
    """The carriers of `numbers` in the order given; every unknown number is named at once."""
    if not numbers:
        raise BadInput("请给出至少一个登记号。")
    out, unknown = [], []
    with reading(reg) as s:
        for raw in numbers:
            try:
                c = lookup.carrier_by_number(s, raw)
            except NotFound:
                unknown.append(lookup.normalize_number(raw))
                continue
            out.append(Label(c.number, c.level, c.title, c.serial))
    if unknown:
        raise NotFound(f"登记簿中没有这些登记号：{'、'.join(unknown)}，未生成标签。")
    return out


def labels_where(reg: Register, *, registered_from=None, registered_to=None) -> list[Label]:
    """Labels for every carrier registered in a period (the app's 批量打印标签)."""
    with reading(reg) as s:
        rows = carriers_page(s, limit=None, order_by="number", date_from=registered_from,
                             date_to=registered_to)
    return [Label(c.number, c.level, c.title, c.serial) for c in rows]


def qr_modules(text: str) -> list[list[bool]]:
    """The QR code of `text` as rows of dark (True) modules, quiet zone included."""
    qr = segno.make(text, error="m", micro=False)
    return [[bool(v) for v in row] for row in qr.matrix_iter(scale=1, border=QUIET_ZONE)]


def paint_qr(painter: QPainter, rect: QRectF, text: str) -> None:
    """Draw the code in the square `rect`, one filled rectangle per run of dark modules."""
    modules = qr_modules(text)
    n = len(modules)
    size = min(rect.width(), rect.height())
    unit = size / n
    x0, y0 = rect.left(), rect.top()
    painter.save()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("black"))
    black = QColor("black")
    for r, row in enumerate(modules):
        c = 0
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                # A hair of overlap so no white seam shows between rows at any scale.
                painter.fillRect(QRectF(x0 + start * unit, y0 + r * unit, (c - start) * unit + 0.01,
                                        unit + 0.01), black)
            else:
                c += 1
    painter.restore()


def _page_setup(device: QPagedPaintDevice, spec: SheetSpec) -> None:
    w, h = spec.page_mm
    size = QPageSize(QSizeF(w, h), QPageSize.Unit.Millimeter, spec.name,
                     QPageSize.SizeMatchPolicy.ExactMatch)
    if spec.name == "A4":
        size = QPageSize(QPageSize.PageSizeId.A4)
    device.setPageLayout(QPageLayout(size, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0),
                                     QPageLayout.Unit.Millimeter))


def _fit_font(text: str, max_pt: float, width: float, bold: bool, device) -> tuple:
    pt = max_pt
    while pt > 5:
        f = qtenv.font(pt, bold)
        if QFontMetricsF(f, device).horizontalAdvance(text) <= width:
            return f, QFontMetricsF(f, device)
        pt -= 0.5
    f = qtenv.font(5, bold)
    return f, QFontMetricsF(f, device)


def paint_label(painter: QPainter, device, rect: QRectF, label: Label, mm: float,
                outline: bool) -> None:
    pad = 2.5 * mm
    if outline:
        painter.setPen(QPen(QColor("#c8c8c8"), 0.15 * mm, Qt.PenStyle.DashLine))
        painter.drawRect(rect.adjusted(0.3 * mm, 0.3 * mm, -0.3 * mm, -0.3 * mm))
    inner = rect.adjusted(pad, pad, -pad, -pad)
    side = inner.height()
    paint_qr(painter, QRectF(inner.left(), inner.top(), side, side), label.number)
    text_left = inner.left() + side + 1.5 * mm
    text_w = inner.right() - text_left
    y = inner.top()
    mark_font, mark_fm = _fit_font(marking(label.level), 10, text_w, True, device)
    painter.setFont(mark_font)
    painter.setPen(MARK_COLOUR if label.level != "内部" else QColor("black"))
    painter.drawText(QRectF(text_left, y, text_w, mark_fm.height()),
                     int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), marking(label.level))
    y += mark_fm.height() + 0.5 * mm
    num_font, num_fm = _fit_font(label.number, 13, text_w, True, device)
    painter.setFont(num_font)
    painter.setPen(QColor("black"))
    painter.drawText(QRectF(text_left, y, text_w, num_fm.height()),
                     int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), label.number)
    y += num_fm.height() + 0.5 * mm
    small = qtenv.font(7)
    fm = QFontMetricsF(small, device)
    painter.setFont(small)
    rest = QRectF(text_left, y, text_w, max(inner.bottom() - y, fm.height()))
    text = short_title(label.title)
    if label.serial:
        text += f"（{label.serial}）"
    # Wrap to what fits; an over-long title is cut at the label's edge.
    painter.save()
    painter.setClipRect(rest)
    painter.drawText(rest, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                     | int(Qt.TextFlag.TextWrapAnywhere), text)
    painter.restore()


def render_labels(labels: list[Label], device: QPagedPaintDevice, *, sheet: str = "A4",
                  progress: ProgressFn | None = None, cancel: CancelFn | None = None) -> int:
    """Paint labels on a QPdfWriter or QPrinter; returns the number of pages."""
    spec = SHEETS.get(sheet)
    if spec is None:
        raise BadInput(f"未知的标签纸「{sheet}」，可选：{'、'.join(SHEETS)}。")
    qtenv.ensure_gui()
    _page_setup(device, spec)
    mm = device.logicalDpiX() / 25.4
    per_page = spec.columns * spec.rows
    ticker = Ticker(len(labels), progress, cancel, step=24)
    painter = QPainter()
    if not painter.begin(device):
        raise BadInput("无法开始打印标签：打印机或目标文件不可用。")
    pages = 0
    try:
        for i, label in enumerate(labels):
            k = i % per_page
            if k == 0:
                if i:
                    device.newPage()
                pages += 1
            col, row = k % spec.columns, k // spec.columns
            w, h = spec.label_mm
            rect = QRectF((spec.origin_mm[0] + col * w) * mm, (spec.origin_mm[1] + row * h) * mm,
                          w * mm, h * mm)
            paint_label(painter, device, rect, label, mm, spec.outline)
            ticker.tick()
    finally:
        painter.end()
    ticker.finish()
    return pages


def print_labels(reg: Register, numbers: list[str], out: Path | str, *, sheet: str = "A4",
                 progress: ProgressFn | None = None, cancel: CancelFn | None = None) -> LabelResult:
    """`baomi labels`: the labels of `numbers` to a PDF (atomic)."""
    if sheet not in SHEETS:
        raise BadInput(f"未知的标签纸「{sheet}」，可选：{'、'.join(SHEETS)}。")
    labels = labels_for(reg, numbers)
    from app.io.printing import new_pdf_writer
    with atomic_path(out) as tmp:
        writer = new_pdf_writer(tmp, title="涉密载体标签", landscape=False)
        writer.setResolution(PDF_DPI)
        pages = render_labels(labels, writer, sheet=sheet, progress=progress, cancel=cancel)
        del writer
    return LabelResult(Path(out), len(labels), pages)
