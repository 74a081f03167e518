"""销毁: a list approved by a leader, two or more witnesses, an approved method.  R32."""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit, QPushButton

from app.errors import BadInput
from app.ledger import pickers
from app.ledger.destruction import METHODS
from app.ledger.state import IN
from app.ui.form_base import register_form
from app.ui.forms import fields
from app.ui.forms.base import MovementForm
from app.ui.operations import LedgerOp, QueryOp, movements


@register_form
class DestroyForm(MovementForm):
    form_name = "销毁登记"
    title = "销毁登记"
    rules = ("逐件登记，经主管领导批准，两人以上监销，送保密局或在指定场所用专用设备销毁，"
             "严禁当作废品出售（R32）。")
    save_text = "登记销毁"

    def build(self) -> None:
        self.items = self.add_field("销毁清单", self.carrier_list_field(states=(IN,)))
        self.items.entry.setPlaceholderText(self.tr("逐件扫描或输入登记号，回车加入清单"))
        load = QPushButton(self.tr("加入季度清查中「拟销毁」的载体"))
        load.setAutoDefault(False)
        load.clicked.connect(self.load_candidates)
        self.add_row("", load)
        self.approver = self.add_field("批准人", fields.PersonField(
            self.leaders(), placeholder="领导姓名的一部分"), hint="默认为上次销毁时的批准人")
        self.approver.set_person(self.last_approver("销毁"))
        self.witnesses = self.add_field("监销人", fields.PeopleListField(self.people()),
                                        hint="至少两名不同的在岗人员（R32）")
        self.method = QComboBox()
        self.method.addItems(list(METHODS))
        self.place = QLineEdit()
        self.place.setPlaceholderText(self.tr("自行销毁须写明指定场所"))
        self.add_inline("销毁方式", [("销毁方式", self.method), ("销毁地点", self.place)])
        self.add_when("销毁时间")

    def load_candidates(self) -> None:
        QueryOp(pickers.destruction_candidates).success(self._add_candidates) \
            .run_in_background(parent=self, reg=self.reg)

    def _add_candidates(self, found: list[pickers.CarrierChoice]) -> None:
        for choice in found:
            if choice.number not in self.items.numbers():
                self.items.add_summary(choice)
        if not found:
            self.items.message.setText(self.tr("没有标为「拟销毁」的在库载体。"))

    def operation(self) -> LedgerOp:
        pending = self.items.entry.number()
        if pending and self.items.add_number(pending):
            self.items.entry.clear()
        if self.witnesses.entry.text().strip():
            self.witnesses.add(self.witnesses.entry.text())
        if not self.items.numbers():
            raise BadInput(self.tr("销毁清单中没有载体，请扫描或输入登记号加入。"))
        return movements.destroy(numbers=self.items.numbers(), approver=self.approver.ref() or "",
                                 witnesses=self.witnesses.refs(), method=self.method.currentText(),
                                 place=self.place.text(), at=self.when())
