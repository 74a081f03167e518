"""复制: approval, count, copier; each copy becomes a carrier of its own.  R20–R22, R64."""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QSpinBox

from app.ledger import pickers
from app.ledger.copies import MAX_COPIES
from app.ledger.state import ARCHIVED, IN
from app.ui.form_base import register_form
from app.ui.forms import fields
from app.ui.forms.base import MovementForm
from app.ui.operations import LedgerOp, movements

COPIERS = ("复印机", "打印机", "扫描仪", "计算机")


@register_form
class CopyForm(MovementForm):
    form_name = "复制登记"
    title = "复制登记"
    rules = ("复制秘密、机密载体须经发文单位或本单位领导批准（R20）；绝密载体不得复制、翻印（R21）；"
             "复制件按原件管理，另行登记编号（R22）；使用登记在册的复印设备（R64）。")
    save_text = "复制"

    def build(self) -> None:
        self.number = self.add_field("原件登记号", self.carrier_field(states=(IN, ARCHIVED)))
        self.card = self.add_row("", fields.CarrierCard())
        self.warning = QLabel()
        self.warning.setStyleSheet("color: #b00020;")
        self.warning.setWordWrap(True)
        self.warning.setMinimumWidth(380)
        self.add_row("", self.warning)
        self.count = QSpinBox()
        self.count.setRange(1, MAX_COPIES)
        self.count.setSuffix(self.tr(" 份"))
        self.spoiled = QSpinBox()
        self.spoiled.setRange(0, 10000)
        self.spoiled.setSuffix(self.tr(" 页"))
        self.add_inline("复制份数", [("复制份数", self.count), ("废页", self.spoiled)],
                        hint="废页当场销毁（R20）")
        self.approver = self.add_field("批准人", fields.PersonField(
            self.leaders(), placeholder="领导姓名的一部分"), hint="默认为上次复制时的批准人")
        self.approver.set_person(self.last_approver("复制"))
        self.approval_ref = self.add_field("发文单位批准", QLineEdit(),
                                           hint="由发文单位批准时，填写其批准文件或文号")
        self.by = self.add_field("复制人", fields.PersonField(self.people()))
        self.device = QComboBox()
        self.device.addItem(self.tr("（未指定）"), "")
        for d in self.read(pickers.devices, kinds=COPIERS):
            self.device.addItem(d.label, d.number)
        self.add_field("复制设备", self.device)
        self.add_when("复制时间")
        self.number.next_widget = self.count
        self.number.found.connect(self._carrier_found)

    def _carrier_found(self, summary: pickers.CarrierSummary | None) -> None:
        self.show_card(self.card, self.number, summary)
        self.warning.setText(self.tr("绝密载体不得复制、翻印（R21）。")
                             if summary is not None and summary.level == "绝密" else "")

    def operation(self) -> LedgerOp:
        return movements.copy(
            number=self.number.number(), count=self.count.value(), approver=self.approver.ref(),
            approval_ref=self.approval_ref.text(), by=self.by.ref(),
            device=self.device.currentData() or None, spoiled=self.spoiled.value(), at=self.when())
