"""The monthly report to the leader (R60): one printed page, with lines to sign.

`baomi report DB --user U --month 2026-11 --out FILE.pdf`.  The figures are the
ledger's own (app.ledger.stats.monthly_stats, queries.out_now, incidents ...);
this module only lays them out on one A4 page: what moved in the month by
密级, what is held and what is out at the month's end (or now, for the running
month), what needs the leader's attention, and the signatures of the clerk and
the leader.  The page carries the checkpoint like every printed ledger.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPagedPaintDevice, QPainter, QPen

from app.crypto.journal_hash import checkpoint_text
from app.errors import BadInput
from app.io import qtenv
from app.io import rows as extra
from app.io.jobs import atomic_path
from app.io.marks import highest
from app.io.printing import (
    HEADER_FILL,
    PageMeta,
    new_pdf_writer,
    paint_footer,
    paint_header,
    setup_page,
)
from app.ledger import incidents, settings, stats
from app.ledger.queries import late_three_months, out_now, reading
from app.store.journaling import head
from app.store.register import Register

LEVELS = ("绝密", "机密", "秘密", "内部")
ROW_LABELS = {"收文": "收文", "登记": "自制、会议带回登记", "发文": "发文", "借出": "借阅（次）",
              "外出携带": "其中携带外出", "复制": "复制（次）", "复制份数": "复制（份）",
              "清退": "清退", "归档": "归档", "销毁": "销毁"}
HELD_STATES = ("在库", "已归档", "借出", "外出携带", "下落不明")
MAX_ITEMS = 8  # attention lines that fit on the page; the rest are counted


@dataclass
class MonthlyReport:
    unit: str
    month: str  # 2026-11
    as_of: datetime
    stats: stats.MonthlyStats
    held: dict[tuple[str, str], int]
    attention: list[tuple[str, str]] = field(default_factory=list)  # (text, level of what it names)
    meta: PageMeta | None = None
    tally: dict[str, int] = field(default_factory=dict)  # 逾期未还 / 超三个月未清退 / 未结事件 / 逾期事项

    def tally_line(self) -> str:
        units = {"逾期未还": "件", "超过三个月未清退": "件", "未结失泄密事件": "起", "其他逾期事项": "项"}
        return "；".join(f"{k} {self.tally.get(k, 0)} {u}" for k, u in units.items()) + "。"

    @property
    def level(self) -> str:
        return highest([lv for _, lv in self.attention], "内部")


def gather(reg: Register, month: str) -> MonthlyReport:
    start, end = stats.month_bounds(month)
    with reading(reg) as s:
        now = reg.clock.now()
        if start > now:
            raise BadInput(f"{month} 尚未开始，不能出月报。")
        as_of = min(now, end - timedelta(seconds=1))
        past = as_of < now
        unit = settings.get(s, "unit_name") or ""
        figures = stats.monthly_stats(s, month)
        held = extra.counts_by_level_state(s, as_of if past else None)
        loans = out_now(s, as_of if past else None)
        late = [r for r in loans if r.overdue]
        three = late_three_months(s, as_of)
        # ORM rows: turn them into text while the session is open.
        open_incidents = [(i.number, i.discovered_at, i.reported_at, i.result_at, i.carrier_id)
                          for i in incidents.list_incidents(s, open_only=True)]
        due = [d for d in stats.deadlines(s, as_of) if d.overdue]
        meta = PageMeta(unit=unit, period=f"{start:%Y年%m月}（{start:%Y-%m-%d} 至 {end - timedelta(days=1):%Y-%m-%d}）",
                        printed_by=reg.actor, printed_at=now, checkpoint=checkpoint_text(*head(s)))
        carrier_levels = extra.levels_of(s, [i[4] for i in open_incidents if i[4]])
    report = MonthlyReport(unit, f"{start:%Y-%m}", as_of, figures, held, meta=meta)
    att = report.attention
    for r in late:
        att.append(((f"逾期未还：{r.number}《{r.title}》，{r.borrower}（{r.dept}），应于 "
                     f"{r.deadline:%Y-%m-%d %H:%M} 前归还（R12）"), r.level))
    for r in three:
        att.append((f"超过三个月未清退：{r.number}《{r.title}》，{r.holder}，{r.reason}（R31）", r.level))
    for number, found_at, reported_at, result_at, carrier_id in open_incidents:
        state = "未书面报告" if reported_at is None else ("查处结果未报" if result_at is None else "未结案")
        att.append((f"失泄密事件 {number}（{found_at:%Y-%m-%d} 发现）：{state}（R45）",
                    carrier_levels.get(carrier_id, "")))
    others = [d for d in due if d.kind not in ("事件书面报告", "事件查处结果")]  # incidents: above
    for d in others:
        att.append((f"{d.kind}逾期：{d.subject}（{d.rule}）", ""))
    report.tally = {"逾期未还": len(late), "超过三个月未清退": len(three),
                    "未结失泄密事件": len(open_incidents), "其他逾期事项": len(others)}
    return report


# -- painting -----------------------------------------------------------------------------

def _table(painter: QPainter, x: float, y: float, widths: list[float], rows: list[list[str]],
           fm: QFontMetricsF, fonts: tuple, mm: float) -> float:
    body, bold = fonts
    h = fm.height() + 2.0 * mm
    pen = QPen(QColor("black"), max(0.18 * mm, 1.0))
    for r, row in enumerate(rows):
        cx = x
        if r == 0:
            painter.fillRect(QRectF(x, y, sum(widths), h), HEADER_FILL)
        painter.setFont(bold if r == 0 or row[0] == "合计" else body)
        painter.setPen(QColor("black"))
        for c, (w, text) in enumerate(zip(widths, row)):
            align = Qt.AlignmentFlag.AlignLeft if c == 0 and r else Qt.AlignmentFlag.AlignHCenter
            painter.drawText(QRectF(cx + 1.5 * mm, y, w - 3 * mm, h),
                             int(align | Qt.AlignmentFlag.AlignVCenter), text)
            cx += w
        painter.setPen(pen)
        painter.drawLine(QPointF(x, y), QPointF(cx, y))
        y += h
    painter.drawLine(QPointF(x, y), QPointF(x + sum(widths), y))
    cx = x
    top = y - h * len(rows)
    for w in [0.0] + widths:
        cx += w
        painter.drawLine(QPointF(cx, top), QPointF(cx, y))
    return y


def render_report(report: MonthlyReport, device: QPagedPaintDevice, *, page_setup: bool = True) -> int:
    """Paint the report on one A4 portrait page of a QPdfWriter or QPrinter."""
    qtenv.ensure_gui()
    if page_setup:
        setup_page(device, landscape=False)
    mm = device.logicalDpiX() / 25.4
    width, height = float(device.width()), float(device.height())
    body, bold, title = qtenv.font(10), qtenv.font(10, True), qtenv.font(15, True)
    small, section = qtenv.font(8), qtenv.font(11, True)
    fm = QFontMetricsF(body, device)
    fm_title, fm_small = QFontMetricsF(title, device), QFontMetricsF(small, device)
    fm_sec = QFontMetricsF(section, device)
    painter = QPainter()
    if not painter.begin(device):
        raise BadInput("无法开始打印月报：打印机或目标文件不可用。")
    try:
        meta = report.meta
        assert meta is not None
        paint_header(painter, width, mm, meta, "涉密载体管理月报", report.level,
                     fonts=(qtenv.font(14, True), title, small), metrics=(fm_title, fm_small))
        paint_footer(painter, width, height, mm, meta, 1, 1, small, fm_small)
        y = fm_title.height() + fm_small.height() + 6 * mm

        def heading(text: str) -> None:
            nonlocal y
            painter.setFont(section)
            painter.setPen(QColor("black"))
            painter.drawText(QRectF(0, y, width, fm_sec.height()),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), text)
            y += fm_sec.height() + 1.5 * mm

        heading(f"一、本月涉密载体流转情况（{report.month}，按密级）")
        rows = [["事项", *LEVELS, "合计"]]
        for key in stats.STAT_ROWS:
            counts = report.stats.counts.get(key, {})
            line = [counts.get(lv, 0) for lv in LEVELS]
            rows.append([ROW_LABELS.get(key, key), *map(str, line), str(sum(line))])
        first = width * 0.34
        widths = [first] + [(width - first) / 5] * 5
        y = _table(painter, 0, y, widths, rows, fm, (body, bold), mm) + 5 * mm

        heading(f"二、在册载体情况（截至 {report.as_of:%Y-%m-%d %H:%M}）")
        rows = [["密级", *HELD_STATES, "合计"]]
        totals = [0] * len(HELD_STATES)
        for lv in LEVELS:
            line = [report.held.get((lv, st), 0) for st in HELD_STATES]
            totals = [a + b for a, b in zip(totals, line)]
            rows.append([lv, *map(str, line), str(sum(line))])
        rows.append(["合计", *map(str, totals), str(sum(totals))])
        widths = [width / 7] * 7
        y = _table(painter, 0, y, widths, rows, fm, (body, bold), mm) + 5 * mm

        heading("三、需要领导关注的事项")
        painter.setFont(body)
        if report.attention:
            painter.drawText(QRectF(3 * mm, y, width - 6 * mm, fm.height()),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                             report.tally_line())
            y += fm.height() + 1.5 * mm
        sign_h = 4 * (fm.height() * 2.2) + 12 * mm
        room = height - fm_small.height() - 4 * mm - sign_h - y
        items = [t for t, _ in report.attention] or ["无逾期未还、超期未清退、未结失泄密事件或逾期事项。"]
        shown: list[str] = []
        line_y = y
        for k, text in enumerate(items):
            r = fm.boundingRect(QRectF(0, 0, width - 6 * mm, 1e6), int(Qt.TextFlag.TextWordWrap),
                                f"{k + 1}. {text}")
            if line_y + r.height() + fm.height() > y + room and k < len(items) - 1 or len(shown) >= MAX_ITEMS:
                shown.append(f"……另有 {len(items) - k} 项，详见系统“今日”页面。")
                break
            shown.append(f"{k + 1}. {text}" if report.attention else text)
            line_y += r.height() + 1 * mm
        for text in shown:
            rect = QRectF(3 * mm, y, width - 6 * mm, 1e6)
            r = painter.boundingRect(rect, int(Qt.TextFlag.TextWordWrap), text)
            painter.drawText(rect, int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft), text)
            y += r.height() + 1 * mm

        y = max(y + 6 * mm, height - fm_small.height() - 4 * mm - sign_h)
        heading("四、签字")
        painter.setFont(body)
        lines = ["保密员（签字）：________________　　　　日期：______年____月____日",
                 "领导审阅意见：__________________________________________________________",
                 "______________________________________________________________________",
                 "领导（签字）：________________　　　　　日期：______年____月____日"]
        for text in lines:
            h = fm.height() * 2.2
            painter.drawText(QRectF(0, y, width, h),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom), text)
            y += h
    finally:
        painter.end()
    return 1


@dataclass
class ReportResult:
    path: Path
    month: str
    level: str
    attention: int


def print_report(reg: Register, month: str, out: Path | str) -> ReportResult:
    """`baomi report`: the month's one-page report to a PDF (atomic)."""
    report = gather(reg, month)
    with atomic_path(out) as tmp:
        writer = new_pdf_writer(tmp, title=f"{report.unit} 涉密载体管理月报 {report.month}",
                                landscape=False)
        render_report(report, writer)
        del writer
    return ReportResult(Path(out), report.month, report.level, len(report.attention))
