"""归还 (sign-in): scan, the borrower is filled in, tick 阅后签名, Enter.  R13, R14."""
from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLineEdit

from app.ledger import pickers
from app.ui.form_base import register_form
from app.ui.forms import fields
from app.ui.forms.base import MovementForm
from app.ui.operations import LedgerOp, movements


@register_form
class ReturnForm(MovementForm):
    form_name = "归还登记"
    title = "归还登记（收回）"
    rules = "只能由借阅人本人交还（R13，不准转借）；阅件后须由阅读人签名（R14）。"
    save_text = "归还"

    def build(self) -> None:
        self.number = self.add_field("登记号", self.carrier_field(states=("借出", "外出携带")))
        self.card = self.add_row("", fields.CarrierCard())
        self.returned_by = self.add_field("归还人", fields.PersonField(self.people(in_post_only=False)),
                                          hint="默认为借阅人本人")
        self.signed = self.add_field("阅后签名", QCheckBox(self.tr("阅读人已在借阅登记上签名（R14）")))
        self.pages = self.add_field("页数清点", QCheckBox(self.tr("已清点页数，与借出时一致")))
        self.pages.setChecked(True)
        self.condition = self.add_field("完好情况", QLineEdit(self.tr("完好")))
        self.add_when("归还时间")
        self.number.next_widget = self.signed
        self.number.found.connect(self._carrier_found)

    def _carrier_found(self, summary: pickers.CarrierSummary | None) -> None:
        self.show_card(self.card, self.number, summary)
        if summary is not None and summary.holder is not None:
            self.returned_by.set_person(summary.holder)
        elif summary is not None:
            note = self.tr("该载体未借出，无需归还。")
            self.card.setText(f"{self.card.text()}<br><span style='color:#b00020'>{note}</span>")

    def after_restore(self) -> None:
        typed = self.returned_by.text()
        super().after_restore()
        if typed:
            self.returned_by.setText(typed)  # the draft's 归还人 wins over the default

    def operation(self) -> LedgerOp:
        return movements.return_(
            number=self.number.number(), returned_by=self.returned_by.ref() or "",
            pages_checked=self.pages.isChecked(), condition=self.condition.text(),
            reader_signed=self.signed.isChecked(), at=self.when())

