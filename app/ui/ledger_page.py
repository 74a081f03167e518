"""One ledger on screen: title, search-as-you-type, 密级 filter, and the lazy table."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QTableView, QVBoxLayout, QWidget)

from app.ui.ledgers import Ledger
from app.ui.table_model import LazyTableModel, RowSource

SEARCH_DELAY_MS = 200  # wait for a pause in typing (or a scanner's burst) before querying
LEVEL_FILTER = ("绝密", "机密", "秘密", "内部")


class LedgerPage(QWidget):
    row_activated = Signal(object)  # the row id (a carrier, a person ...)

    def __init__(self, ledger: Ledger, source: RowSource, *, read_only: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ledger = ledger
        self.read_only = read_only
        self.model = LazyTableModel(source, self)

        title = QLabel(ledger.title)
        title.setObjectName("pageTitle")
        hint = QLabel(ledger.hint)
        hint.setObjectName("pageHint")
        hint.setWordWrap(True)

        self.search_box = QLineEdit()
        self.search_box.setObjectName("searchBox")
        self.search_box.setPlaceholderText(self.tr(ledger.search_hint))
        self.search_box.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_search)
        self.search_box.textChanged.connect(lambda _t: self._search_timer.start())
        self.search_box.returnPressed.connect(self._apply_search)

        self.level_filter: QComboBox | None = None
        tools = QHBoxLayout()
        tools.addWidget(self.search_box, 1)
        if "密级" in ledger.headers:
            self.level_filter = QComboBox()
            self.level_filter.addItem(self.tr("全部密级"), "")
            for level in LEVEL_FILTER:
                self.level_filter.addItem(level, level)
            self.level_filter.currentIndexChanged.connect(self._apply_filters)
            tools.addWidget(self.level_filter)
        self.count_label = QLabel()
        self.count_label.setObjectName("pageHint")
        tools.addWidget(self.count_label)

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
        self._fit_columns()
        self.table.doubleClicked.connect(self._activated)
        self.model.modelReset.connect(self._update_count)
        self.empty_label = QLabel(self.table.viewport())
        self.table.viewport().installEventFilter(self)
        self.empty_label.setObjectName("emptyNote")
        self.model.modelReset.connect(self._show_empty)
        self.model.rowsInserted.connect(self._show_empty)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 10)
        layout.setSpacing(8)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addLayout(tools)
        layout.addWidget(self.table, 1)
        self._update_count()
        self._show_empty()

    def _fit_columns(self) -> None:
        """Columns as wide as the loaded rows need, within reason; titles get room."""
        self.table.resizeColumnsToContents()
        for col, name in enumerate(self.ledger.headers):
            width = self.table.columnWidth(col)
            if name == "标题":
                self.table.setColumnWidth(col, max(width, 280))
            else:
                self.table.setColumnWidth(col, min(max(width + 16, 90), 240))

    def _show_empty(self) -> None:
        empty = self.model.rowCount() == 0
        self.empty_label.setVisible(empty)
        if empty:
            self.empty_label.setText(self.tr("没有符合条件的记录。") if self.model.query.search
                                     else self.tr("暂无记录。"))
            self.empty_label.adjustSize()
            viewport = self.table.viewport()
            self.empty_label.move((viewport.width() - self.empty_label.width()) // 2, 40)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._show_empty()  # keep the "no records" note centred
        return False

    def _apply_search(self) -> None:
        self._search_timer.stop()
        self.model.set_search(self.search_box.text().strip())

    def _apply_filters(self) -> None:
        level = self.level_filter.currentData() if self.level_filter else ""
        self.model.set_filters({"level": level} if level else {})

    def _update_count(self) -> None:
        self.count_label.setText(self.tr("共 %n 条", "", self.model.total()))

    def _activated(self, index: QModelIndex) -> None:
        self.row_activated.emit(self.model.data(index, Qt.ItemDataRole.UserRole))

    def focus_search(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()
