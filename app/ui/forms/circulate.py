"""传阅: readers in order, each out and back through the custodian.  R10, R11, R13, R14.

One form for both steps: a carrier in the room starts a circulation (readers,
approver); a carrier already circulating comes back from its reader and goes
to the next one (阅后签名 ticked).
"""
from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLineEdit

from app.errors import BadInput
from app.ledger import pickers
from app.ui.form_base import register_form
from app.ui.forms import fields
from app.ui.forms.base import MovementForm
from app.ui.operations import LedgerOp, movements


@register_form
class CirculationForm(MovementForm):
    form_name = "传阅登记"
    title = "传阅登记"
    rules = ("传阅须经领导批准（R10），只在阅读范围内（R11）；每位阅读人阅后交还保密员，"
             "再由保密员送下一位，不得横传（R13）；阅后签名（R14）。")

    def build(self) -> None:
        self.number = self.add_field("登记号", self.carrier_field(states=("在库", "借出")))
        self.card = self.add_row("", fields.CarrierCard())
        self.readers = self.add_field("传阅人", fields.PeopleListField(self.people()),
                                      hint="按传阅顺序逐一加入；每位阅后交还保密员，再送下一位")
        self.approver = self.add_field("批准人", fields.PersonField(
            self.leaders(), placeholder="领导姓名的一部分"), hint="默认为上次借出时的批准人")
        self.approver.set_person(self.last_approver("借出"))
        self.purpose = self.add_field("用途", QLineEdit())
        self.signed = self.add_field("阅后签名", QCheckBox(self.tr("当前阅读人已阅毕签名，交还保密员")))
        self.add_when("时间")
        self.number.next_widget = self.readers
        self.number.found.connect(self._carrier_found)
        self._carrier_found(None)

    def circulating(self) -> bool:
        summary = self.number.summary
        return summary is not None and bool(summary.circulation)

    def _carrier_found(self, summary: pickers.CarrierSummary | None) -> None:
        self.show_card(self.card, self.number, summary)
        going = self.circulating()
        for widget in (self.readers, self.approver, self.purpose):
            self.set_row_visible(widget, not going)
        self.set_row_visible(self.signed, going)
        self.save_button.setText(self.tr("交还并转下一位") if going else self.tr("开始传阅"))
        if going:
            self.number.next_widget = self.signed

    def operation(self) -> LedgerOp:
        if self.circulating():
            return movements.next_reader(number=self.number.number(),
                                         reader_signed=self.signed.isChecked(), at=self.when())
        readers = self.readers.refs()
        if not readers and self.readers.entry.text().strip():
            self.readers.add(self.readers.entry.text())
            readers = self.readers.refs()
        if not readers:
            raise BadInput(self.tr("请按顺序加入传阅人。"))
        return movements.start_circulation(number=self.number.number(), readers=readers,
                                           approver=self.approver.ref(),
                                           purpose=self.purpose.text(), at=self.when())
