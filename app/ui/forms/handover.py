"""交接: the outgoing custodian's full list, each item ticked, both confirm.  R40.

The list is what the ledger says the outgoing custodian holds (loaded off the
GUI thread when the person is chosen); the clerk ticks each item as both sides
check it (a scan ticks it too).  Nothing off the list can be handed over, and
nothing on it may be left unticked: the ledger refuses either.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QWidget,
)

from app.ledger import pickers
from app.ledger.handover import Holding
from app.ui import style
from app.ui.form_base import register_form
from app.ui.forms import fields
from app.ui.forms.base import MovementForm
from app.ui.operations import LedgerOp, QueryOp, movements

COLUMNS = ("已清点", "登记号", "标题", "类别", "密级", "份号", "状态", "借阅人", "存放位置")


class TickTable(QTableView):
    """The handover list; `draft_value` is the ticked numbers."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model_ = QStandardItemModel(0, len(COLUMNS), self)
        self.model_.setHorizontalHeaderLabels(list(COLUMNS))
        self.setModel(self.model_)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().setVisible(False)
        self.setAlternatingRowColors(True)
        self.setMinimumHeight(200)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self._pending: list[str] = []

    def load(self, holdings: list[Holding]) -> None:
        self.model_.removeRows(0, self.model_.rowCount())
        for h in holdings:
            tick = QStandardItem()
            tick.setCheckable(True)
            tick.setEditable(False)
            items = [tick] + [QStandardItem(v) for v in (h.number, h.title, h.kind, h.level,
                                                         h.serial, h.state, h.holder, h.location)]
            for item in items[1:]:
                item.setEditable(False)
            fg = style.level_foreground(h.level)
            if fg is not None:
                items[4].setForeground(fg)
            self.model_.appendRow(items)
        for number in self._pending:
            self.tick(number)
        self._pending = []
        for col in range(self.model_.columnCount()):  # the numbers whole; the title takes the rest
            if col != 2:
                self.resizeColumnToContents(col)

    def numbers(self) -> list[str]:
        return [self.model_.item(r, 1).text() for r in range(self.model_.rowCount())]

    def tick(self, number: str, on: bool = True) -> bool:
        found = self.model_.findItems(number, Qt.MatchFlag.MatchExactly, 1)
        if not found:
            return False
        self.model_.item(found[0].row(), 0).setCheckState(
            Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self.selectRow(found[0].row())
        return True

    def tick_all(self) -> None:
        for number in self.numbers():
            self.tick(number)

    def ticked(self) -> list[str]:
        return [self.model_.item(r, 1).text() for r in range(self.model_.rowCount())
                if self.model_.item(r, 0).checkState() == Qt.CheckState.Checked]

    def draft_value(self) -> list[str]:
        return self.ticked()

    def restore_value(self, value: object) -> None:
        numbers = [str(n) for n in value] if isinstance(value, list) else []
        self._pending = [n for n in numbers if not self.tick(n)]


@register_form
class HandoverForm(MovementForm):
    form_name = "交接登记"
    title = "交接登记"
    rules = ("保管人调离岗位时，列出保管的全部涉密载体，交接双方逐件清点核对并签字（R40）；"
             "借出的须先收回，下落不明的也列入清单。")
    save_text = "确认交接"

    def build(self) -> None:
        self.setMinimumWidth(860)
        everyone = self.people(in_post_only=False)
        self.outgoing = self.add_field("移交人", fields.PersonField(everyone))
        self.incoming = self.add_field("接收人", fields.PersonField(self.people()))
        self.scan = self.add_field("扫码清点", fields.ScanLine(), draft=False,
                                   hint="逐件扫描实物，清单中对应一行即勾选")
        self.table = self.add_wide(TickTable(), name="移交清单")
        self.status = QLabel()
        self.status.setObjectName("fieldHint")
        tick_all = QPushButton(self.tr("全部勾选"))
        tick_all.setAutoDefault(False)
        tick_all.clicked.connect(self.table.tick_all)
        bar = QWidget()
        row = QHBoxLayout(bar)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.status, 1)
        row.addWidget(tick_all)
        self.add_wide(bar)
        self.out_ok = self.add_field("移交人确认", QCheckBox(self.tr("移交人已逐件核对，签字确认")))
        self.in_ok = self.add_field("接收人确认", QCheckBox(self.tr("接收人已逐件核对，签字确认")))
        self.add_when("交接时间")
        self.outgoing.person_changed.connect(self.load)
        self.scan.scanned.connect(self.scanned)
        self.table.model_.itemChanged.connect(lambda _i: self._count())
        self._count()

    def load(self, person: pickers.PersonChoice | None) -> None:
        if person is None:
            return
        self.status.setText(self.tr("正在读取 %1 保管的载体…").replace("%1", person.name))
        QueryOp(lambda s: pickers.handover_lines(s, person.id)).success(self._if_alive(self._loaded)) \
            .failure(self._if_alive(self.show_refusal)).run_in_background(parent=self, reg=self.reg)

    def _loaded(self, holdings: list[Holding]) -> None:
        self.table.load(holdings)
        self._count()

    def _count(self) -> None:
        total, done = len(self.table.numbers()), len(self.table.ticked())
        self.status.setText(self.tr("清单共 %1 件，已清点 %2 件。").replace("%1", str(total))
                            .replace("%2", str(done)))

    def scanned(self, number: str) -> None:
        summary = self.find_carrier(number)
        key = summary.number if summary else number
        if self.table.tick(key):
            self.clear_error()
        else:
            self.show_message(self.tr("%1 不在移交清单上（R40）。").replace("%1", key))
        self.scan.clear()
        self._count()

    def operation(self) -> LedgerOp:
        return movements.handover(outgoing=self.outgoing.ref() or "", incoming=self.incoming.ref() or "",
                                  checked_numbers=self.table.ticked(),
                                  outgoing_confirmed=self.out_ok.isChecked(),
                                  incoming_confirmed=self.in_ok.isChecked(), at=self.when())
