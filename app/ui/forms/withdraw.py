"""清退: a carrier goes back to the unit that issued it.  R30."""
from __future__ import annotations

from PySide6.QtWidgets import QLineEdit

from app.ledger import pickers
from app.ledger.state import IN
from app.ui.form_base import register_form
from app.ui.forms import fields
from app.ui.forms.base import MovementForm
from app.ui.operations import LedgerOp, movements


@register_form
class WithdrawForm(MovementForm):
    form_name = "清退登记"
    title = "清退登记"
    rules = "涉密文件每季度清查、清退一次（R30）；只有在库的载体才能清退，借出的须先收回。"
    save_text = "清退"

    def build(self) -> None:
        self.number = self.add_field("登记号", self.carrier_field(states=(IN,)))
        self.card = self.add_row("", fields.CarrierCard())
        self.to_unit = self.add_field("退往单位", QLineEdit(), hint="默认为来文单位")
        self.receipt_no = self.add_field("回执编号", QLineEdit())
        self.add_when("清退时间")
        self.number.next_widget = self.to_unit
        self.number.found.connect(self._carrier_found)

    def _carrier_found(self, summary: pickers.CarrierSummary | None) -> None:
        self.show_card(self.card, self.number, summary)
        if summary is not None and summary.issuer and not self.to_unit.text().strip():
            self.to_unit.setText(summary.issuer)

    def operation(self) -> LedgerOp:
        return movements.withdraw(number=self.number.number(), to_unit=self.to_unit.text(),
                                  receipt_no=self.receipt_no.text(), at=self.when())
