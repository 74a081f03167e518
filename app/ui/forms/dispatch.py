"""发文 (dispatch) by a secure channel only.  R02, R25."""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit

from app.ledger.dispatch import CHANNELS
from app.ledger.state import IN
from app.ui.form_base import register_form
from app.ui.forms import fields
from app.ui.forms.base import MovementForm
from app.ui.operations import LedgerOp, movements


@register_form
class DispatchForm(MovementForm):
    form_name = "发文登记"
    title = "发文登记"
    rules = "涉密载体只能通过机要通信、专人或保密员传递，严禁普通邮寄（R25）；逐件登记，签收回执（R02）。"
    save_text = "发出"

    def build(self) -> None:
        self.number = self.add_field("登记号", self.carrier_field(states=(IN,)))
        self.card = self.add_row("", fields.CarrierCard())
        self.to_unit = self.add_field("收文单位", QLineEdit())
        self.channel = QComboBox()
        self.channel.setEditable(True)  # 机要交通 and other names the ledger knows are accepted
        self.channel.addItems(list(CHANNELS))
        self.add_field("传递方式", self.channel)
        self.sent_by = self.add_field("递送人", fields.PersonField(self.people()),
                                      hint="专人传递须写明递送人")
        self.add_when("发出时间")
        self.number.next_widget = self.to_unit
        self.number.found.connect(lambda s: self.show_card(self.card, self.number, s))

    def operation(self) -> LedgerOp:
        return movements.dispatch(number=self.number.number(), to_unit=self.to_unit.text(),
                                  channel=self.channel.currentText(), sent_by=self.sent_by.ref(),
                                  at=self.when())


@register_form
class ReceiptForm(MovementForm):
    form_name = "发文回执"
    title = "发文回执登记"
    rules = "发出的涉密载体须由收文单位签收，回执登记后该次发文办结（R02、R25）。"

    def build(self) -> None:
        self.number = self.add_field("登记号", self.carrier_field(states=("已发出",)))
        self.card = self.add_row("", fields.CarrierCard())
        self.signed_by = self.add_field("签收人", QLineEdit(), hint="回执上收文单位签收人的姓名")
        self.receipt_no = self.add_field("回执编号", QLineEdit())
        self.add_when("签收时间")
        self.number.next_widget = self.signed_by
        self.number.found.connect(lambda s: self.show_card(self.card, self.number, s))

    def operation(self) -> LedgerOp:
        return movements.receipt_signed(number=self.number.number(), signed_by=self.signed_by.text(),
                                        receipt_no=self.receipt_no.text(), at=self.when())

