"""The detail pane: one carrier's fields and its whole history as a timeline (R54).

Fed by `app.ledger.history.history(number)`, read on the register worker so
that moving through a table with the arrow keys never waits on a query (a
result for a carrier the clerk has already left is dropped).  Two tabs: the
movements as the paper ledgers know them (when it happened, when it was
entered if later: 补登记, who entered it, who was involved, the details, rule
flags such as R01 or R12 in orange), and every journal entry about the
carrier, for the inspector.  打印 / 打印预览 print the history in the layout
of app/io (载体历史) with the journal checkpoint.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QPushButton, QSplitter, QTabWidget,
                               QTextBrowser, QToolButton, QVBoxLayout, QWidget)

from shiboken6 import isValid

from app.errors import BaomiError
from app.ledger import history as hist
from app.ledger import queries
from app.store.register import Register
from app.ui import style, worker

PANE_WIDTH = 420  # beside the table when it first opens; the clerk can drag the splitter
LATE_ENTRY = timedelta(minutes=10)  # entered this much after it happened: shown as 补登记
FLAG = "#c25400"
MUTED = "#777777"


def _t(when: datetime | None) -> str:
    return f"{when:%Y-%m-%d %H:%M}" if when else ""


def _level_badge(level: str) -> str:
    fg, bg = style.LEVEL_COLOURS.get(level, ("#333333", "#eeeeee"))
    return (f'<span style="color:{fg}; background:{bg}; font-weight:bold;">'
            f'&nbsp;{escape(level)}&nbsp;</span>')


def fields_html(c: hist.CarrierDetail) -> str:
    """The carrier's fields, the empty ones left out."""
    level = c.level + (f"（曾定 {c.highest_level}）" if c.highest_level and c.highest_level != c.level else "")
    period = c.period + (f"（至 {c.period_until:%Y-%m-%d}）" if c.period_until else "")
    serial = "　".join(p for p in (c.serial, c.copies_total > 1 and "共" not in c.serial
                                   and f"共 {c.copies_total} 份") if p)
    origin = c.origin + (f"，原件 {c.parent}" if c.parent else "")
    approved = ""
    if c.approved_by:
        approved = c.approved_by + (f"，批准印制 {c.approved_count} 份" if c.approved_count else "")
    rows = [("类别", c.kind), ("文号", c.doc_no), ("来文单位", c.issuer), ("密级", level),
            ("保密期限", period), ("份号", serial), ("页数", str(c.pages) if c.pages else ""),
            ("知悉范围", "、".join(c.scope)), ("来源", origin), ("复制件", "、".join(c.copies)),
            ("批准人", approved), ("文件日期", f"{c.doc_date:%Y-%m-%d}" if c.doc_date else ""),
            ("定密", "" if c.classified else "尚未定密（R05）"), ("状态", c.state),
            ("持有人", c.holder), ("保管人", c.custodian), ("存放位置", c.location),
            ("介质序列号", c.media_id), ("登记时间", _t(c.registered_at)), ("备注", c.note)]
    cells = "".join(
        f'<tr><td style="color:{MUTED}; padding-right:10px; white-space:nowrap;">{escape(k)}</td>'
        f'<td>{escape(v)}</td></tr>' for k, v in rows if v)
    return f'<table cellspacing="0" cellpadding="2">{cells}</table>'


def _what(m: hist.MovementRow) -> str:
    """A movement's people and details, without its kind and its flag (shown apart)."""
    text = m.summary
    prefix = m.kind + "："
    if text.startswith(prefix):
        text = text[len(prefix):]
    elif text == m.kind:
        text = ""
    if m.flagged:
        text = text.replace(f"，标记：{m.flagged}", "").replace(f"标记：{m.flagged}", "")
    return text


def movements_html(h: hist.History) -> str:
    """The movements, oldest first: a vertical timeline."""
    if not h.movements:
        return f'<p style="color:{MUTED};">没有流转记录。</p>'
    out = ['<table cellspacing="0" cellpadding="3" width="100%">']
    for m in h.movements:
        late = m.entered_at - m.occurred_at > LATE_ENTRY
        out.append(
            f'<tr><td valign="top" style="color:#555; white-space:nowrap;">{_t(m.occurred_at)}</td>'
            f'<td valign="top" style="color:{style.ACCENT};">●</td>'
            f'<td valign="top"><b>{escape(m.kind)}</b>'
            f'<span style="color:{MUTED};">　{escape(m.account)} 登记　状态 → {escape(m.state_after)}</span>')
        what = _what(m)
        if what:
            out.append(f'<br>{escape(what)}')
        if late:
            out.append(f'<br><span style="color:{FLAG};">补登记：{_t(m.entered_at)} 由 '
                       f'{escape(m.account)} 录入</span>')
        if m.flagged:
            out.append(f'<br><span style="color:{FLAG}; font-weight:bold;">⚑ {escape(m.flagged)}</span>')
        out.append("</td></tr>")
    out.append("</table>")
    return "".join(out)


def journal_html(h: hist.History) -> str:
    """Every journal entry about the carrier, its movements, batches and incidents."""
    if not h.timeline:
        return f'<p style="color:{MUTED};">没有日志条目。</p>'
    out = ['<table cellspacing="0" cellpadding="3" width="100%">']
    for e in h.timeline:
        happened = ""
        if e.happened_at and abs(e.entered_at - e.happened_at) > LATE_ENTRY:
            happened = f'<br><span style="color:{FLAG};">发生于 {_t(e.happened_at)}</span>'
        out.append(
            f'<tr><td valign="top" style="color:#555; white-space:nowrap;">#{e.seq}<br>{_t(e.entered_at)}'
            f'</td><td valign="top"><b>{escape(e.action)}</b>'
            f'<span style="color:{MUTED};">　{escape(e.account)}</span>{happened}'
            f'<br>{escape(e.summary)}</td></tr>')
    out.append("</table>")
    return "".join(out)


class DetailPane(QFrame):
    closed = Signal()
    loaded = Signal(object)  # the History shown, or None

    def __init__(self, reg: Register, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailPane")
        self.setStyleSheet("QFrame#detailPane { background: #fbfbfa; border-left: 1px solid #d6d6d2; }"
                           " QLabel#detailTitle { font-size: 12pt; font-weight: bold; color: #222; }")
        self.reg = reg
        self.number = ""
        self.history: hist.History | None = None
        self._generation = 0
        self._dismissed = False  # closed by the clerk: selecting rows no longer opens it

        self.heading = QLabel(self.tr("载体详情"))
        self.heading.setObjectName("detailHeading")
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        close = QToolButton()
        close.setText("×")
        close.setToolTip(self.tr("关闭详情"))
        close.setAutoRaise(True)
        close.clicked.connect(self._close)
        self.title = QLabel()
        self.title.setObjectName("detailTitle")
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.overview = QTextBrowser()
        self.overview.setOpenLinks(False)
        self.journal = QTextBrowser()
        self.journal.setOpenLinks(False)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.overview, self.tr("概况与流转"))
        self.tabs.addTab(self.journal, self.tr("日志明细"))

        self.preview_button = QPushButton(self.tr("打印预览"))
        self.print_button = QPushButton(self.tr("打印"))
        self.label_button = QPushButton(self.tr("打印标签"))
        self.preview_button.setToolTip(self.tr("打印本载体的流转记录（带日志检查点）"))
        self.preview_button.clicked.connect(lambda: self._print(preview=True))
        self.print_button.clicked.connect(lambda: self._print(preview=False))
        self.label_button.clicked.connect(self._labels)

        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.label_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addWidget(self.title)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)
        self.clear()

    # -- showing --------------------------------------------------------------------------
    def clear(self, message: str = "") -> None:
        self._generation += 1
        self.number = ""
        self.history = None
        self.heading.setText(self.tr("载体详情"))
        self.title.setText(message or self.tr("在台账中选中一件载体，这里显示它的全部流转记录。"))
        self.overview.clear()
        self.journal.clear()
        for b in (self.preview_button, self.print_button, self.label_button):
            b.setEnabled(False)

    def show_carrier(self, number: str) -> None:
        """Read the carrier's history on the register worker and show it."""
        if not number:
            return
        self._generation += 1
        generation = self._generation
        self.number = number
        self.heading.setText(f"<b>{escape(number)}</b>")
        self.title.setText(self.tr("正在读取…"))
        reg = self.reg

        def read() -> hist.History | None:
            if generation != self._generation:
                return None
            with queries.reading(reg) as s:
                return hist.history(s, number)

        def done(h: hist.History | None) -> None:
            if isValid(self) and generation == self._generation and h is not None:
                self._show(h)

        def failed(error: BaseException) -> None:
            if isValid(self) and generation == self._generation:  # gone: the session ended
                self.clear(error.message if isinstance(error, BaomiError) else str(error))
                self.loaded.emit(None)

        worker.run_in_background(read, done, failed)

    def follow(self, number: str) -> None:
        """The selection moved to a row naming `number` (or to none)."""
        if number and not self._dismissed:
            self._appear()
            self.show_carrier(number)

    def open_carrier(self, number: str) -> None:
        """A row was activated (Enter, double click, a 今日 line): show it whatever."""
        if number:
            self._dismissed = False
            self._appear()
            self.show_carrier(number)

    def _appear(self) -> None:
        if self.isVisible():
            return
        self.show()
        splitter = self.parentWidget()
        if isinstance(splitter, QSplitter) and splitter.count() == 2:
            total = sum(splitter.sizes()) or splitter.width()
            splitter.setSizes([max(total - PANE_WIDTH, 300), PANE_WIDTH])

    def refresh(self) -> None:
        if self.number:
            self.show_carrier(self.number)

    def _show(self, h: hist.History) -> None:
        c = h.carrier
        self.history = h
        self.number = c.number
        self.heading.setText(f"<b>{escape(c.number)}</b>　{_level_badge(c.level)}"
                             f'　<span style="color:#555;">{escape(c.state)}</span>')
        self.title.setText(c.title)
        self.overview.setHtml(fields_html(c) + '<hr>' + movements_html(h))
        self.journal.setHtml(journal_html(h))
        for b in (self.preview_button, self.print_button, self.label_button):
            b.setEnabled(True)
        self.loaded.emit(h)

    def _close(self) -> None:
        self._dismissed = True
        self.hide()
        self.closed.emit()

    # -- printing ---------------------------------------------------------------------------
    def _print(self, *, preview: bool) -> None:
        if not self.number:
            return
        from app.ui import io_dialogs
        io_dialogs.print_history(self, self.reg, self.number, preview=preview)

    def _labels(self) -> None:
        if self.number:
            from app.ui import io_dialogs
            io_dialogs.print_labels(self, self.reg, [self.number])
