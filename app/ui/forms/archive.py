"""归档: transfer to the archive with its archive number.  R33."""
from __future__ import annotations

from PySide6.QtWidgets import QLineEdit

from app.ledger.state import IN
from app.ui.form_base import register_form
from app.ui.forms import fields
from app.ui.forms.base import MovementForm
from app.ui.operations import LedgerOp, movements


@register_form
class ArchiveForm(MovementForm):
    form_name = "归档登记"
    title = "归档登记"
    rules = "归档须登记档案号，档案号不得重复；涉密档案存放在专用档案柜（R33）。"
    save_text = "归档"

    def build(self) -> None:
        self.number = self.add_field("登记号", self.carrier_field(states=(IN,)))
        self.card = self.add_row("", fields.CarrierCard())
        self.archive_no = self.add_field("档案号", QLineEdit())
        self.location = self.add_field("存放位置", QLineEdit(), hint="如：涉密档案专柜 2 号")
        self.add_when("归档时间")
        self.number.next_widget = self.archive_no
        self.number.found.connect(lambda s: self.show_card(self.card, self.number, s))

    def operation(self) -> LedgerOp:
        return movements.archive(number=self.number.number(), archive_no=self.archive_no.text(),
                                 location=self.location.text(), at=self.when())
