"""One ledger on screen: title, search-as-you-type, filters (view, 密级, state, dates), the lazy table.

Selecting a row that names a carrier announces its register number
(`carrier_selected`), which the detail pane shows; Enter or a double click
activates the row (`carrier_activated`, `row_activated`).  Every query is
answered by the page's source (app/ui/sources.py); the page only says what
is asked.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QDate, QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDateEdit, QHBoxLayout, QHeaderView,
                               QLabel, QLineEdit, QTableView, QVBoxLayout, QWidget)

from app.store.register import Register
from app.ui.ledgers import Ledger
from app.ui.table_model import LazyTableModel, RowSource

SEARCH_DELAY_MS = 200  # wait for a pause in typing (or a scanner's burst) before querying
SELECT_DELAY_MS = 120  # wait for the arrow keys to rest before reading a carrier's history
LEVEL_FILTER = ("绝密", "机密", "秘密", "内部")
DATE_PRESETS = ("全部日期", "今天", "本周", "本月", "本季度", "上季度", "本年", "自定义…")


def preset_range(name: str, today: date) -> tuple[date | None, date | None]:
    """The dates a preset of the date filter covers, both ends included."""
    if name == "今天":
        return today, today
    if name == "本周":
        start = today - timedelta(days=today.weekday())
        return start, start + timedelta(days=6)
    if name == "本月":
        start = today.replace(day=1)
        nxt = (start + timedelta(days=32)).replace(day=1)
        return start, nxt - timedelta(days=1)
    if name in ("本季度", "上季度"):
        q = (today.month - 1) // 3
        year = today.year
        if name == "上季度":
            q -= 1
            if q < 0:
                q, year = 3, year - 1
        start = date(year, 3 * q + 1, 1)
        end = date(year + (q == 3), (3 * q + 3) % 12 + 1, 1) - timedelta(days=1)
        return start, end
    if name == "本年":
        return date(today.year, 1, 1), date(today.year, 12, 31)
    return None, None


class LedgerPage(QWidget):
    row_activated = Signal(object)  # the row id (a carrier, a movement, a person ...)
    carrier_selected = Signal(str)  # the register number of the selected row ("" for none)
    carrier_activated = Signal(str)  # Enter / double click on a row naming a carrier

    def __init__(self, ledger: Ledger, source: Any, *, read_only: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ledger = ledger
        self.read_only = read_only
        views = getattr(source, "views", None)
        self.views: list[tuple[str, RowSource]] = list(views) if views else [("", source)]
        self.model = LazyTableModel(self.views[0][1], self)
        self._fitted = False
        self._stale = False  # the last read failed: read again when shown
        self._last_number = ""

        title = QLabel(ledger.title)
        title.setObjectName("pageTitle")
        hint = QLabel(ledger.hint)
        hint.setObjectName("pageHint")
        hint.setWordWrap(True)

        self.search_box = QLineEdit()
        self.search_box.setObjectName("searchBox")
        self.search_box.setPlaceholderText(self.tr(ledger.search_hint))
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMinimumWidth(220)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_search)
        self.search_box.textChanged.connect(lambda _t: self._search_timer.start())
        self.search_box.returnPressed.connect(self._apply_search)

        self.view_filter = QComboBox()
        for name, _src in self.views:
            self.view_filter.addItem(name)
        self.view_filter.setToolTip(self.tr("台账视图"))
        self.view_filter.currentIndexChanged.connect(self._change_view)
        self.level_filter = QComboBox()
        self.level_filter.addItem(self.tr("全部密级"), "")
        for level in LEVEL_FILTER:
            self.level_filter.addItem(level, level)
        self.level_filter.currentIndexChanged.connect(self._apply_filters)
        self.state_filter = QComboBox()
        self.state_filter.currentIndexChanged.connect(self._apply_filters)
        self.date_filter = QComboBox()
        for name in DATE_PRESETS:
            self.date_filter.addItem(self.tr(name), name)
        self.date_filter.currentIndexChanged.connect(self._date_preset_chosen)
        self.date_from = QDateEdit()
        self.date_to = QDateEdit()
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.dateChanged.connect(self._apply_filters)
        self.date_dash = QLabel("至")
        self.count_label = QLabel()
        self.count_label.setObjectName("pageHint")
        self.count_label.setMinimumWidth(90)
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        tools = QHBoxLayout()
        tools.setSpacing(6)
        tools.addWidget(self.search_box, 1)
        for w in (self.view_filter, self.level_filter, self.state_filter, self.date_filter,
                  self.date_from, self.date_dash, self.date_to, self.count_label):
            tools.addWidget(w)

        self.table = QTableView()
        self.table.setModel(self.model)
        # No arrow until the clerk sorts: the source's own order is the register's order.
        self.table.horizontalHeader().setSortIndicatorClearable(True)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(30)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setDefaultSectionSize(110)
        header.setHighlightSections(False)
        header.setResizeContentsPrecision(40)  # fitting columns looks at 40 rows, not 1000
        self.table.activated.connect(self._activated)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._select_timer.start())
        self._select_timer = QTimer(self)
        self._select_timer.setSingleShot(True)
        self._select_timer.setInterval(SELECT_DELAY_MS)
        self._select_timer.timeout.connect(self._announce_selection)

        self.empty_label = QLabel(self.table.viewport())
        self.empty_label.setObjectName("emptyNote")
        self.table.viewport().installEventFilter(self)
        self.model.modelReset.connect(self._rows_changed)
        self.model.rowsInserted.connect(self._rows_changed)
        self.model.total_changed.connect(self._update_count)
        self.model.loading_changed.connect(lambda _on: self._rows_changed())
        self.model.failed.connect(self._failed)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 10)
        layout.setSpacing(8)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addLayout(tools)
        layout.addWidget(self.table, 1)
        self._configure_filters()
        self._fit_columns()  # to the headers until rows arrive
        self._rows_changed()

    # -- what the source offers ---------------------------------------------------------
    @property
    def source(self) -> RowSource:
        return self.model.source

    def _option(self, name: str, default: Any = None) -> Any:
        return getattr(self.model.source, name, default)

    def _today(self) -> date:
        today = self._option("today")
        return today() if today else date.today()

    def _configure_filters(self) -> None:
        """Show the filters the current view can answer."""
        for w in (self.level_filter, self.state_filter, self.date_filter):
            w.blockSignals(True)
        self.view_filter.setVisible(len(self.views) > 1)
        self.level_filter.setVisible(self.model.level_column is not None)
        states = self._option("states", ()) or ()
        self.state_filter.clear()
        self.state_filter.addItem(self.tr("全部") + self._option("state_label", "状态"), "")
        for state in states:
            self.state_filter.addItem(state, state)
        self.state_filter.setVisible(bool(states))
        dated = bool(self._option("dated", False))
        self.date_filter.setVisible(dated)
        self.date_filter.setToolTip(self._option("date_label", "日期"))
        today = QDate(self._today())
        for edit in (self.date_from, self.date_to):
            edit.blockSignals(True)
            edit.setDate(today)
            edit.blockSignals(False)
        self._show_custom_dates()
        for w in (self.level_filter, self.state_filter, self.date_filter):
            w.blockSignals(False)
        self.search_box.setPlaceholderText(self.tr(self.ledger.search_hint))

    def _show_custom_dates(self) -> None:
        custom = self.date_filter.isVisible() and self.date_filter.currentData() == "自定义…"
        for w in (self.date_from, self.date_dash, self.date_to):
            w.setVisible(custom)

    def filters(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.level_filter.isVisibleTo(self) and self.level_filter.currentData():
            out["level"] = self.level_filter.currentData()
        if self.state_filter.isVisibleTo(self) and self.state_filter.currentData():
            out["state"] = self.state_filter.currentData()
        start, end = self.date_range()
        if start is not None:
            out["date_from"] = start
        if end is not None:
            out["date_to"] = end
        return out

    def date_range(self) -> tuple[date | None, date | None]:
        if not self.date_filter.isVisibleTo(self):
            return None, None
        name = self.date_filter.currentData()
        if name == "自定义…":
            start, end = self.date_from.date().toPython(), self.date_to.date().toPython()
            return (start, end) if start <= end else (end, start)
        return preset_range(name, self._today())

    def print_name(self) -> str | None:
        """The printed ledger (app/io/ledger_layouts.py) of the current view, if any."""
        return self._option("print_name")

    def view_name(self) -> str:
        return self.views[self.view_filter.currentIndex()][0] if len(self.views) > 1 else ""

    # -- reacting ---------------------------------------------------------------------------
    def _change_view(self, i: int) -> None:
        if 0 <= i < len(self.views):
            self._fitted = False
            self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
            self.model.set_source(self.views[i][1])
            self._fit_columns()  # to the headers until rows arrive
            self._configure_filters()
            self._apply_filters()

    def _date_preset_chosen(self) -> None:
        self._show_custom_dates()
        self._apply_filters()

    def _apply_search(self) -> None:
        self._search_timer.stop()
        self.model.set_search(self.search_box.text().strip())

    def _apply_filters(self) -> None:
        self.model.set_filters(self.filters())

    def refresh(self) -> None:
        """Read the ledger again (after a change in the register)."""
        self.model.refresh()

    def _fit_columns(self) -> None:
        """Columns as wide as the loaded rows need, within reason; titles get room."""
        self.table.resizeColumnsToContents()
        headers = list(self.model.source.headers)
        for col, name in enumerate(headers):
            width = self.table.columnWidth(col)
            if name in ("标题", "摘要", "名称"):
                self.table.setColumnWidth(col, min(max(width, 230), 380))
            else:
                self.table.setColumnWidth(col, min(max(width + 12, 64), 240))

    def _rows_changed(self, *_args: Any) -> None:
        rows = self.model.rowCount()
        if rows and not self._fitted:
            self._fitted = True
            self._fit_columns()
        loading = self.model.is_loading()
        empty = rows == 0
        self.empty_label.setVisible(empty)
        if empty:
            if loading:
                text = self.tr("正在读取…")
            elif self.model.query.search or self.model.query.filters:
                text = self.tr("没有符合条件的记录。")
            else:
                text = self.tr("暂无记录。")
            self.empty_label.setText(text)
            self.empty_label.adjustSize()
            viewport = self.table.viewport()
            self.empty_label.move((viewport.width() - self.empty_label.width()) // 2, 40)
        self._update_count()

    def _update_count(self) -> None:
        total = self.model.known_total()
        if total is not None:
            self.count_label.setText(self.tr("共 %n 条", "", total))
        elif self.model.is_loading() and not self.model.rowCount():
            self.count_label.setText(self.tr("正在读取…"))
        else:
            self.count_label.setText(self.tr("已载入 %n 条…", "", self.model.rowCount()))

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._stale:  # a read failed (e.g. the register was locked meanwhile): try again
            self._stale = False
            self.refresh()

    def _failed(self, message: str) -> None:
        self._stale = True
        self.count_label.setText(self.tr("读取失败"))
        self.count_label.setToolTip(message)
        self.empty_label.setText(message)
        self.empty_label.adjustSize()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._rows_changed()  # keep the "no records" note centred
        return False

    # -- the carrier of a row -----------------------------------------------------------
    def number_at(self, row: int) -> str:
        col = self._option("carrier_column")
        if col is None or not 0 <= row < self.model.rowCount():
            return ""
        return self.model.data(self.model.index(row, col)) or ""

    def current_number(self) -> str:
        index = self.table.currentIndex()
        return self.number_at(index.row()) if index.isValid() else ""

    def selected_numbers(self) -> list[str]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        numbers = [self.number_at(r) for r in rows]
        return list(dict.fromkeys(n for n in numbers if n))

    def _announce_selection(self) -> None:
        number = self.current_number()
        if number != self._last_number:
            self._last_number = number
            self.carrier_selected.emit(number)

    def _activated(self, index: QModelIndex) -> None:
        self.row_activated.emit(self.model.data(index, Qt.ItemDataRole.UserRole))
        number = self.number_at(index.row())
        if number:
            self._last_number = number
            self.carrier_activated.emit(number)

    def focus_search(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()


def build_page(ledger: Ledger, reg: Register, *, read_only: bool) -> LedgerPage:
    """The page of a navigation entry: the journal has its own (with 核验)."""
    from app.ui.sources import source_for
    if ledger.key == "journal":
        from app.ui.journal_page import JournalPage
        return JournalPage(ledger, reg, read_only=read_only)
    return LedgerPage(ledger, source_for(ledger, reg), read_only=read_only)
