"""清查: the quarter's list of everything in custody, a result for each.  R30, R45.

The list loads off the GUI thread (a big register has thousands of items in
custody).  Scanning a carrier marks it 在; keys 1–4 set the result of the
selected rows (1 在, 2 缺失, 3 清退, 4 拟销毁), 0 clears it.  Rows left blank
are not recorded, so a check can be entered in several sittings.
"""
from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyledItemDelegate,
    QTableView,
    QWidget,
)

from app.errors import BadInput
from app.ledger import pickers
from app.ledger.checks import RESULTS
from app.ui import style
from app.ui.form_base import register_form
from app.ui.forms import fields
from app.ui.forms.base import MovementForm
from app.ui.operations import LedgerOp, QueryOp, movements

COLUMNS = ("登记号", "标题", "密级", "状态", "借阅人", "已登记", "本次结果")
RESULT_COL = COLUMNS.index("本次结果")
KEYS = {Qt.Key.Key_1: "在", Qt.Key.Key_2: "缺失", Qt.Key.Key_3: "清退", Qt.Key.Key_4: "拟销毁",
        Qt.Key.Key_0: "", Qt.Key.Key_Delete: ""}


def recent_quarters(now: datetime, count: int = 4) -> list[str]:
    year, q = now.year, (now.month - 1) // 3 + 1
    out = []
    for _ in range(count):
        out.append(f"{year}Q{q}")
        year, q = (year - 1, 4) if q == 1 else (year, q - 1)
    return out


class _ResultDelegate(QStyledItemDelegate):
    def createEditor(self, parent: QWidget, option, index) -> QWidget:
        combo = QComboBox(parent)
        combo.addItems(["", *RESULTS])
        return combo

    def setEditorData(self, editor: QWidget, index) -> None:
        editor.setCurrentText(index.data() or "")

    def setModelData(self, editor: QWidget, model, index) -> None:
        model.setData(index, editor.currentText())


class CheckTable(QTableView):
    """The check list; `draft_value` is {number: result} of the rows given a result."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model_ = QStandardItemModel(0, len(COLUMNS), self)
        self.model_.setHorizontalHeaderLabels(list(COLUMNS))
        self.setModel(self.model_)
        self.setItemDelegateForColumn(RESULT_COL, _ResultDelegate(self))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.SelectedClicked)
        self.verticalHeader().setVisible(False)
        self.setAlternatingRowColors(True)
        self.setMinimumHeight(220)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self._pending: dict[str, str] = {}

    def load(self, lines: list[pickers.CheckLine]) -> None:
        self.model_.removeRows(0, self.model_.rowCount())
        for line in lines:
            items = [QStandardItem(v) for v in (line.number, line.title, line.level, line.state,
                                                line.holder, line.recorded, "")]
            for item in items[:-1]:
                item.setEditable(False)
            fg = style.level_foreground(line.level)
            if fg is not None:
                items[2].setForeground(fg)
            self.model_.appendRow(items)
        if self._pending:
            for number, result in self._pending.items():
                self.set_result(number, result)
            self._pending = {}
        for col in range(self.model_.columnCount()):  # the numbers whole; the title takes the rest
            if col != 1:
                self.resizeColumnToContents(col)
        self.setColumnWidth(RESULT_COL, max(self.columnWidth(RESULT_COL), 80))

    def row_of(self, number: str) -> int:
        found = self.model_.findItems(number, Qt.MatchFlag.MatchExactly, 0)
        return found[0].row() if found else -1

    def set_result(self, number: str, result: str) -> bool:
        row = self.row_of(number)
        if row < 0:
            return False
        self.set_row_result(row, result)
        return True

    def set_row_result(self, row: int, result: str) -> None:
        item = self.model_.item(row, RESULT_COL)
        item.setText(result)
        item.setForeground(QColor("#b00020") if result == "缺失" else QColor("#222222"))

    def results(self) -> dict[str, str]:
        out = {}
        for row in range(self.model_.rowCount()):
            result = self.model_.item(row, RESULT_COL).text()
            if result:
                out[self.model_.item(row, 0).text()] = result
        return out

    def unset_rows(self) -> list[int]:
        return [r for r in range(self.model_.rowCount()) if not self.model_.item(r, RESULT_COL).text()]

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in KEYS and self.state() != QAbstractItemView.State.EditingState:
            for index in self.selectionModel().selectedRows():
                self.set_row_result(index.row(), KEYS[event.key()])
            event.accept()
            return
        super().keyPressEvent(event)

    def draft_value(self) -> dict[str, str]:
        return self.results()

    def restore_value(self, value: object) -> None:
        self._pending = dict(value) if isinstance(value, dict) else {}
        for number, result in list(self._pending.items()):
            if self.set_result(number, result):
                del self._pending[number]


@register_form
class CheckForm(MovementForm):
    form_name = "季度清查"
    title = "季度清查"
    rules = ("每季度清查一次、年终一次（R30）：在用的留存，应归档的归档，应清退的清退，其余拟销毁；"
             "缺失的按失泄密事件报告（R45）。")
    save_text = "登记清查结果"

    def build(self) -> None:
        self.setMinimumWidth(820)
        self.quarter = QComboBox()
        self.quarter.addItems(recent_quarters(self.reg.clock.now()))
        self.add_field("季度", self.quarter)
        self.scan = self.add_field("扫码核对", fields.ScanLine(), draft=False,
                                   hint="逐件扫描在库载体，自动标为「在」；表中选中后按 1 在、2 缺失、3 清退、4 拟销毁")
        self.table = self.add_wide(CheckTable(), name="清查结果")
        self.status = QLabel()
        self.status.setObjectName("fieldHint")
        all_in = QPushButton(self.tr("未核对的全部标为「在」"))
        all_in.setAutoDefault(False)
        all_in.clicked.connect(self.mark_rest_present)
        bar = QWidget()
        row = QHBoxLayout(bar)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.status, 1)
        row.addWidget(all_in)
        self.add_wide(bar)
        self.add_when("清查时间")
        self.loaded = False
        self.scan.scanned.connect(self.scanned)
        self.quarter.currentIndexChanged.connect(lambda _i: self.load())
        self.table.model_.dataChanged.connect(lambda *_a: self._count())
        self.load()

    def load(self) -> None:
        quarter = self.quarter.currentText()
        self.loaded = False
        self.status.setText(self.tr("正在读取 %1 的清查清单…").replace("%1", quarter))
        QueryOp(lambda s: pickers.check_lines(s, quarter)).success(self._if_alive(self._loaded)) \
            .failure(self._if_alive(self.show_refusal)).run_in_background(parent=self, reg=self.reg)

    def _loaded(self, lines: list[pickers.CheckLine]) -> None:
        self.table.load(lines)
        self.loaded = True
        self._count()

    def _count(self) -> None:
        total = self.table.model_.rowCount()
        results = self.table.results()
        missing = sum(1 for r in results.values() if r == "缺失")
        self.status.setText(self.tr("共 %1 件，本次已核对 %2 件，缺失 %3 件。")
                            .replace("%1", str(total)).replace("%2", str(len(results)))
                            .replace("%3", str(missing)))

    def scanned(self, number: str) -> None:
        summary = self.find_carrier(number)
        key = summary.number if summary else number
        if self.table.set_result(key, "在"):
            row = self.table.row_of(key)
            self.table.selectRow(row)
            self.table.scrollTo(self.table.model_.index(row, 0))
            self.clear_error()
            self._count()
        else:
            self.show_message(self.tr("%1 不在 %2 的清查清单上。").replace("%1", key)
                              .replace("%2", self.quarter.currentText()))
        self.scan.clear()

    def mark_rest_present(self) -> None:
        for row in self.table.unset_rows():
            self.table.set_row_result(row, "在")
        self._count()

    def operation(self) -> LedgerOp:
        results = self.table.results()
        if not results:
            raise BadInput(self.tr("还没有核对任何载体：请扫码核对，或在表中选择清查结果。"))
        return movements.check_items(quarter=self.quarter.currentText(), results=results,
                                     at=self.when())
