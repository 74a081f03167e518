"""The page engine: a ledger as a ruled table painted with QPainter on A4 landscape pages.

Why not a QTextDocument HTML table: for 10,000 rows that takes about a minute and
half a gigabyte; laying out cells ourselves takes seconds.  Two passes: the
first measures every row (text wraps inside its cell, the row grows; a row never
splits across pages) and breaks pages, so the second, which paints, knows the
page count M for "第 N 页 / 共 M 页".

Every page carries what an inspector needs to trust a printout: the unit, the
ledger, the period, the 密级 marking of that page (the highest level of any row
on it, top left, red), who printed it and when, and the journal checkpoint
`SEQ:HASH12`, which `baomi verify --checkpoint` later proves the chain still
passes through.

The engine knows nothing of the register: rows arrive as plain cell values
(see app/io/ledger_layouts.py for the ledgers and where their rows come from).
It paints on any QPagedPaintDevice: a QPdfWriter (CLI, `print_pdf`) or the
QPrinter of a print or preview dialog (`render`).

Hazard: a single row taller than a whole page (an enormous 备注) is cut at the
page bottom rather than split; its cells are clipped.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QTextLayout,
    QTextOption,
)

from app.io import qtenv
from app.io.jobs import CancelFn, ProgressFn, Ticker, atomic_path
from app.io.ledger_layouts import Column, Layout
from app.io.marks import cell_text, highest, marking, period_text  # noqa: F401 (re-exported)

PDF_DPI = 300
MARGINS_MM = (12.0, 10.0, 12.0, 10.0)  # left, top, right, bottom
MARK_COLOUR = QColor("#b00020")
_BIG = 1.0e7
HEADER_FILL = QColor("#e8e8e8")


@dataclass(frozen=True)
class PageMeta:
    unit: str
    period: str  # 2026-10-01 至 2026-12-31
    printed_by: str
    printed_at: datetime
    checkpoint: str  # SEQ:HASH12
    subtitle: str = ""  # e.g. 交出人：张三　接收人：李四


@dataclass
class PrintDoc:
    layout: Layout
    rows: Sequence[Sequence[object]]
    meta: PageMeta
    levels: Sequence[str] | None = None  # per row; else from the layout's level column
    signature: tuple[str, ...] | None = None  # overrides layout.signature
    summary: str = ""  # one line under the last row, e.g. 共 12 件


@dataclass
class PrintResult:
    pages: int
    rows: int
    level: str  # the highest page marking (treat the printout at this level)
    path: Path | None = None
    page_levels: list[str] = field(default_factory=list)


def setup_page(device: QPagedPaintDevice, *, landscape: bool = True) -> None:
    """A4, landscape by default, with the margins of the paper ledgers."""
    left, top, right, bottom = MARGINS_MM
    orientation = QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
    device.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), orientation,
                                     QMarginsF(left, top, right, bottom), QPageLayout.Unit.Millimeter))


def new_pdf_writer(path: Path | str, *, title: str, landscape: bool = True) -> QPdfWriter:
    qtenv.ensure_gui()
    writer = QPdfWriter(str(path))
    writer.setResolution(PDF_DPI)
    writer.setTitle(title)
    writer.setCreator("baomi 保密台账")
    setup_page(writer, landscape=landscape)
    return writer


# -- geometry ------------------------------------------------------------------

class _Frame:
    """Fonts, metrics and the fixed parts of a page, measured once on the device."""

    def __init__(self, device: QPagedPaintDevice, layout: Layout) -> None:
        self.device = device
        self.mm = device.logicalDpiX() / 25.4
        self.width = float(device.width())
        self.height = float(device.height())
        pt = layout.font_pt
        self.body = qtenv.font(pt)
        self.bold = qtenv.font(pt, True)
        self.title = qtenv.font(14, True)
        self.mark = qtenv.font(14, True)
        self.small = qtenv.font(8)
        self.fm_body = QFontMetricsF(self.body, device)
        self.fm_bold = QFontMetricsF(self.bold, device)
        self.fm_title = QFontMetricsF(self.title, device)
        self.fm_small = QFontMetricsF(self.small, device)
        self.hpad = 1.0 * self.mm
        self.vpad = 0.8 * self.mm
        self.line = self.fm_body.height()
        self.head1 = self.fm_title.height() + 1.0 * self.mm
        self.head2 = self.fm_small.height() + 2.0 * self.mm
        self.foot = self.fm_small.height() + 2.0 * self.mm
        # A column is never narrower than its title on one line (up to 30 mm).
        natural = [min(self.fm_bold.horizontalAdvance(c.title) + 2 * self.hpad + 1, 30 * self.mm)
                   for c in layout.columns]
        self.widths = _widths(layout.columns, self.width, self.mm, natural)
        xs = [0.0]
        for w in self.widths:
            xs.append(xs[-1] + w)
        self.xs = xs
        # Column titles, broken into lines once; painted centred on every page.
        breaker = _Breaker(self.bold, self.fm_bold, device)
        self.head_lines: list[tuple] = []
        tallest = 0.0
        for c, w in zip(layout.columns, self.widths):
            h, lines = breaker(c.title, w - 2 * self.hpad)
            self.head_lines.append(lines)
            tallest = max(tallest, h)
        self.table_head = tallest + 2 * self.vpad
        self.top = self.head1 + self.head2  # where the table starts
        self.body_top = self.top + self.table_head
        self.body_height = self.height - self.body_top - self.foot


def _widths(columns: Sequence[Column], total: float, mm: float,
            floors: Sequence[float] | None = None) -> list[float]:
    """Proportional to the weights, never below each column's minimum (or its floor)."""
    mins = [max(c.min_mm * mm, floors[i] if floors else 0.0) for i, c in enumerate(columns)]
    if sum(mins) >= total:
        scale = total / sum(mins)
        return [m * scale for m in mins]
    fixed: dict[int, float] = {}
    while True:
        free = total - sum(fixed.values())
        weight = sum(c.weight for i, c in enumerate(columns) if i not in fixed)
        widths = [fixed.get(i, free * c.weight / weight) for i, c in enumerate(columns)]
        under = [i for i, w in enumerate(widths) if i not in fixed and w < mins[i]]
        if not under:
            return widths
        for i in under:
            fixed[i] = mins[i]


class _Breaker:
    """Measures and shapes a cell's text once: its lines, each as glyph runs and an advance.

    Text wider than the cell is broken into lines here (word wrap, or anywhere when
    a word is wider than the cell).  Each line is shaped once into QGlyphRuns, and
    painting only places glyph runs: no text layout and no shaping happen while
    pages are painted, and a value that repeats down a column (a date, a unit, a
    name, 秘密) is shaped once for the whole print.
    """

    def __init__(self, font: QFont, fm: QFontMetricsF, device: QPagedPaintDevice) -> None:
        self.font, self.fm, self.device = font, fm, device
        self.height = fm.height()
        self.step = fm.lineSpacing()

    def __call__(self, text: str, width: float) -> tuple[float, tuple]:
        """(height, lines) where lines = ((glyph runs, advance), ...)."""
        if "\n" not in text:
            runs, advance = self.shape(text)
            if advance <= width:
                return self.height, ((runs, advance),)
        lines: list[tuple[tuple, float]] = []
        for para in text.split("\n"):
            lines.extend(self.shape(piece) for piece in self._wrap(para, width))
        return self.height + (len(lines) - 1) * self.step, tuple(lines)

    def shape(self, text: str) -> tuple[tuple, float]:
        """One line of text: its glyph runs (positioned from the line's top-left) and width."""
        layout = QTextLayout(text, self.font, self.device)
        layout.beginLayout()
        line = layout.createLine()
        line.setLineWidth(_BIG)
        layout.endLayout()
        return tuple(layout.glyphRuns()), line.naturalTextWidth()

    def _wrap(self, para: str, width: float) -> list[str]:
        if not para:
            return [""]
        out = self._breaks(para, width, QTextOption.WrapMode.WordWrap)
        if any(self.fm.horizontalAdvance(p) > width + 0.5 for p in out):
            out = self._breaks(para, width, QTextOption.WrapMode.WrapAnywhere)
        return out

    def _breaks(self, para: str, width: float, mode: QTextOption.WrapMode) -> list[str]:
        layout = QTextLayout(para, self.font, self.device)
        option = QTextOption()
        option.setWrapMode(mode)
        layout.setTextOption(option)
        layout.beginLayout()
        out = []
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(width)
            start, length = line.textStart(), line.textLength()
            out.append(para[start:start + length].rstrip())
        layout.endLayout()
        return out


@dataclass
class _Plan:
    heights: list[float]
    # Per row and cell: its lines ((glyph runs, advance), ...), () when empty.
    fits: list[list]
    pages: list[tuple[int, int]]
    page_levels: list[str]
    signature_page: int  # index of the page the signature block is painted on
    signature_height: float


def _row_levels(doc: PrintDoc) -> list[str]:
    if doc.levels is not None:
        return [lv or "" for lv in doc.levels]
    layout = doc.layout
    if layout.level_column is None:
        return [""] * len(doc.rows)
    titles = [c.title for c in layout.value_columns()]
    try:
        k = titles.index(layout.level_column)
    except ValueError:
        return [""] * len(doc.rows)
    return [cell_text(r[k]) if k < len(r) else "" for r in doc.rows]


def _measure(doc: PrintDoc, fr: _Frame, ticker: Ticker) -> _Plan:
    layout = doc.layout
    ncols = len(layout.columns)
    inner = [w - 2 * fr.hpad for w in fr.widths]
    fm = fr.fm_body
    line = fr.line
    caches: list[dict[str, tuple]] = [{} for _ in range(ncols)]
    heights: list[float] = []
    fits: list[list] = []
    offset = 1 if layout.numbered else 0
    cap = fr.body_height
    pad2 = 2 * fr.vpad
    tick = ticker.tick
    measure = _Breaker(fr.body, fm, fr.device)
    first = [str(n + 1) for n in range(len(doc.rows))] if offset else None
    for n, row in enumerate(doc.rows):
        texts = [v if type(v) is str else cell_text(v) for v in row]
        if first is not None:
            texts.insert(0, first[n])
        if len(texts) != ncols:
            texts = (texts + [""] * ncols)[:ncols]
        tallest = line
        fit: list = [()] * ncols
        for i, (text, cache, width) in enumerate(zip(texts, caches, inner)):
            if text:
                hit = cache.get(text)
                if hit is None:
                    hit = measure(text, width)
                    if len(cache) < 50_000:
                        cache[text] = hit
                tallest = max(tallest, hit[0])
                fit[i] = hit[1]
        heights.append(min(tallest + pad2, cap))
        fits.append(fit)
        tick()

    pages: list[tuple[int, int]] = []
    start, y = 0, 0.0
    for i, h in enumerate(heights):
        if y + h > fr.body_height + 0.01 and i > start:
            pages.append((start, i))
            start, y = i, 0.0
        y += h
    pages.append((start, len(heights)))

    signature = doc.signature if doc.signature is not None else layout.signature
    sig_lines = ([doc.summary] if doc.summary else []) + list(signature)
    sig_h = 0.0
    if sig_lines:
        sig_h = 2.0 * fr.mm + sum(_sig_line_height(fr, t) for t in sig_lines)
    sig_page = len(pages) - 1
    if sig_h:
        s, e = pages[-1]
        used = sum(heights[s:e])
        if used + sig_h > fr.body_height + 0.01:
            if e - s > 1:  # keep the signature with at least the last row
                pages[-1] = (s, e - 1)
                pages.append((e - 1, e))
            else:
                pages.append((e, e))
            sig_page = len(pages) - 1
    row_levels = _row_levels(doc)
    page_levels = [highest(row_levels[s:e], layout.default_level) for s, e in pages]
    return _Plan(heights, fits, pages, page_levels, sig_page, sig_h)


def _sig_line_height(fr: _Frame, text: str) -> float:
    # Signature lines are written large enough to sign on: one and a half lines each.
    return fr.fm_body.height() * (2.2 if "：" in text and "____" in text else 1.5)


# -- painting ------------------------------------------------------------------

def render(doc: PrintDoc, device: QPagedPaintDevice, *, progress: ProgressFn | None = None,
           cancel: CancelFn | None = None, page_setup: bool = True) -> PrintResult:
    """Lay out and paint `doc` on a QPdfWriter or QPrinter.

    `page_setup=False` keeps the page layout the user chose in a print dialog.
    Raises `Cancelled` when `cancel()` turns true (the caller discards the output).
    """
    qtenv.ensure_gui()
    if page_setup:
        setup_page(device)
    fr = _Frame(device, doc.layout)
    ticker = Ticker(2 * len(doc.rows) + 1, progress, cancel)
    plan = _measure(doc, fr, ticker)
    painter = QPainter()
    if not painter.begin(device):
        from app.errors import BadInput
        raise BadInput("无法开始打印：打印机或目标文件不可用。")
    try:
        total = len(plan.pages)
        for p, (start, end) in enumerate(plan.pages):
            if p:
                ticker.check()
                device.newPage()
            _paint_page(painter, doc, fr, plan, p, total, start, end, ticker)
    finally:
        painter.end()
    ticker.finish()
    return PrintResult(pages=len(plan.pages), rows=len(doc.rows),
                       level=highest(plan.page_levels, doc.layout.default_level),
                       page_levels=plan.page_levels)


def print_pdf(doc: PrintDoc, path: Path | str, *, progress: ProgressFn | None = None,
              cancel: CancelFn | None = None) -> PrintResult:
    """`render` to a PDF file, written atomically (temporary file, then rename)."""
    with atomic_path(path) as tmp:
        writer = new_pdf_writer(tmp, title=f"{doc.meta.unit} {doc.layout.title}")
        result = render(doc, writer, progress=progress, cancel=cancel)
        del writer  # closes the file
    result.path = Path(path)
    return result


def _paint_page(painter: QPainter, doc: PrintDoc, fr: _Frame, plan: _Plan, p: int, total: int,
                start: int, end: int, ticker: Ticker) -> None:
    paint_header(painter, fr.width, fr.mm, doc.meta, doc.layout.title, plan.page_levels[p],
                 fonts=(fr.mark, fr.title, fr.small), metrics=(fr.fm_title, fr.fm_small))
    paint_footer(painter, fr.width, fr.height, fr.mm, doc.meta, p + 1, total, fr.small, fr.fm_small)
    layout = doc.layout
    xs, widths = fr.xs, fr.widths
    thin = QPen(QColor("black"), max(0.18 * fr.mm, 1.0))
    painter.setPen(thin)
    top = fr.top
    # The column titles, repeated on every page.
    painter.fillRect(QRectF(0, top, fr.width, fr.table_head), HEADER_FILL)
    painter.setFont(fr.bold)
    head_step = fr.fm_bold.lineSpacing()
    for i, lines in enumerate(fr.head_lines):
        block = fr.fm_bold.height() + (len(lines) - 1) * head_step
        yy = top + (fr.table_head - block) / 2
        for runs, adv in lines:
            for g in runs:
                painter.drawGlyphRun(QPointF(xs[i] + (widths[i] - adv) / 2, yy), g)
            yy += head_step
    painter.setFont(fr.body)
    kinds = [c.align if c.align in ("center", "right") else "left" for c in layout.columns]
    inner = [w - 2 * fr.hpad for w in widths]
    lefts = [x + fr.hpad for x in xs[:-1]]
    line = fr.line
    step = fr.fm_body.lineSpacing()
    y = fr.body_top
    ys = [top, y]
    glyphs = painter.drawGlyphRun
    tick = ticker.tick
    for r in range(start, end):
        h = plan.heights[r]
        fit = plan.fits[r]
        ih = h - 2 * fr.vpad
        ty = y + fr.vpad
        top_one = ty + (ih - line) / 2  # the top of a vertically centred line
        clipped = h >= fr.body_height
        if clipped:
            painter.save()
            painter.setClipRect(QRectF(0, y, fr.width, h))
        for f, left, room, kind in zip(fit, lefts, inner, kinds):
            if not f:
                continue
            if len(f) == 1:  # one line, centred vertically
                runs, adv = f[0]
                x = left if kind == "left" else left + (room - adv) / (2 if kind == "center" else 1)
                for g in runs:
                    glyphs(QPointF(x, top_one), g)
                continue
            yy = top_one - (len(f) - 1) * step / 2  # the lines as a block, centred
            for runs, adv in f:
                x = left if kind == "left" else left + (room - adv) / (2 if kind == "center" else 1)
                for g in runs:
                    glyphs(QPointF(x, yy), g)
                yy += step
        if clipped:
            painter.restore()
        y += h
        ys.append(y)
        tick()
    # Ruling: one line per row boundary and per column boundary.
    bottom = y
    for yy in ys:
        painter.drawLine(QPointF(0, yy), QPointF(fr.width, yy))
    for x in xs:
        painter.drawLine(QPointF(x, top), QPointF(x, bottom))
    if p == plan.signature_page and plan.signature_height:
        _paint_signature(painter, doc, fr, bottom)


def _paint_signature(painter: QPainter, doc: PrintDoc, fr: _Frame, y: float) -> None:
    signature = doc.signature if doc.signature is not None else doc.layout.signature
    lines = ([doc.summary] if doc.summary else []) + list(signature)
    y += 2.0 * fr.mm
    painter.setFont(fr.body)
    for text in lines:
        h = _sig_line_height(fr, text)
        painter.drawText(QRectF(0, y, fr.width, h), int(Qt.AlignmentFlag.AlignLeft) |
                         int(Qt.AlignmentFlag.AlignBottom), text)
        y += h


def draw_in(painter: QPainter, fm: QFontMetricsF, rect: QRectF, align: str, text: str) -> None:
    """One line of text in `rect`, vertically centred, aligned left / center / right.

    Drawn at a point (no layout), which is what keeps a 10,000-row print fast.
    """
    x = rect.left()
    if align != "left":
        room = rect.width() - fm.horizontalAdvance(text)
        x += room / 2 if align == "center" else room
    painter.drawText(QPointF(x, rect.top() + (rect.height() - fm.height()) / 2 + fm.ascent()), text)


def paint_header(painter: QPainter, width: float, mm: float, meta: PageMeta, title: str, level: str,
                 *, fonts: tuple, metrics: tuple) -> None:
    """Line 1: 密级 mark (red, top left), unit and ledger title (centred).
    Line 2: period, subtitle, printed by and at."""
    mark_font, title_font, small_font = fonts
    fm_title, fm_small = metrics
    h1 = fm_title.height()
    painter.setFont(mark_font)
    painter.setPen(MARK_COLOUR)
    draw_in(painter, fm_title, QRectF(0, 0, width * 0.2, h1), "left", marking(level))
    painter.setPen(QColor("black"))
    painter.setFont(title_font)
    heading = f"{meta.unit}　{title}" if meta.unit else title
    draw_in(painter, fm_title, QRectF(width * 0.2, 0, width * 0.6, h1), "center",
            fm_title.elidedText(heading, Qt.TextElideMode.ElideRight, width * 0.6))
    y = h1 + 1.0 * mm
    h2 = fm_small.height()
    painter.setFont(small_font)
    left = f"期间：{meta.period}"
    right = f"打印人：{meta.printed_by}　打印时间：{meta.printed_at:%Y-%m-%d %H:%M}"
    gap = 4.0 * mm
    w_right = min(fm_small.horizontalAdvance(right) + 1, width * 0.45)
    w_left = min(fm_small.horizontalAdvance(left) + 1, width - w_right - gap)
    draw_in(painter, fm_small, QRectF(0, y, w_left, h2), "left",
            fm_small.elidedText(left, Qt.TextElideMode.ElideRight, w_left))
    draw_in(painter, fm_small, QRectF(width - w_right, y, w_right, h2), "right",
            fm_small.elidedText(right, Qt.TextElideMode.ElideRight, w_right))
    if meta.subtitle:
        # Centred on the page when it fits between the two, else in the space between.
        room_l, room_r = w_left + gap, width - w_right - gap
        need = fm_small.horizontalAdvance(meta.subtitle) + 1
        x = (width - need) / 2
        if x < room_l or x + need > room_r:
            x, need = room_l, max(room_r - room_l, 0)
        draw_in(painter, fm_small, QRectF(x, y, need, h2), "center",
                fm_small.elidedText(meta.subtitle, Qt.TextElideMode.ElideRight, need))


def paint_footer(painter: QPainter, width: float, height: float, mm: float, meta: PageMeta,
                 page: int, total: int, small_font, fm_small: QFontMetricsF) -> None:
    h = fm_small.height()
    y = height - h
    painter.setFont(small_font)
    painter.setPen(QColor("black"))
    draw_in(painter, fm_small, QRectF(0, y, width * 0.75, h), "left",
            f"日志检查点 {meta.checkpoint}（可用 baomi verify --checkpoint 核验）")
    draw_in(painter, fm_small, QRectF(width * 0.75, y, width * 0.25, h), "right",
            f"第 {page} 页 / 共 {total} 页")


def with_meta(doc: PrintDoc, **changes: object) -> PrintDoc:
    return replace(doc, meta=replace(doc.meta, **changes))
