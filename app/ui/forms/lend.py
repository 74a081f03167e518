"""借阅 (sign-out): scan, borrower by part of a name, Enter.  R10–R15."""
from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit

from app.ledger import pickers
from app.ledger.loans import PLACES
from app.ledger.state import ARCHIVED, IN
from app.ui.form_base import register_form
from app.ui.forms import fields
from app.ui.forms.base import MovementForm
from app.ui.operations import LedgerOp, movements


@register_form
class LendForm(MovementForm):
    form_name = "借阅登记"
    title = "借阅登记（借出）"
    rules = ("须经领导批准（R10）；借阅人须在阅读范围内并具相应涉密等级（R11）；当日归还，不得过夜（R12）；"
             "带出须经批准，绝密须主要领导批准（R15）。")
    save_text = "借出"

    def build(self) -> None:
        self.number = self.add_field("登记号", self.carrier_field(states=(IN, ARCHIVED)))
        self.card = self.add_row("", fields.CarrierCard())
        self.borrower = self.add_field("借阅人", fields.PersonField(self.people()))
        self.approver = self.add_field("批准人", fields.PersonField(
            self.leaders(), placeholder="领导姓名的一部分"), hint="默认为上次借出时的批准人")
        self.approver.set_person(self.last_approver("借出"))
        self.place = QComboBox()
        self.place.addItems(list(PLACES))
        self.add_field("阅读地点", self.place)
        self.principal = QCheckBox(self.tr("已经本单位主要领导批准携带外出（绝密载体）"))
        self.add_field("主要领导批准", self.principal)
        self.purpose = self.add_field("用途", QLineEdit())
        self.purpose.setPlaceholderText(self.tr("如：阅办、参会、起草文件"))
        self.default_due = self.read(pickers.default_due, now=self.reg.clock.now())
        self.due = self.add_field("应还时间", fields.datetime_edit(self.default_due),
                                  hint="默认当天下班时间；室内阅读不得过夜（R12）")
        self.add_when("借出时间")
        self.number.next_widget = self.borrower
        self.number.found.connect(self._carrier_found)
        self.place.currentIndexChanged.connect(lambda _i: self._update_principal())
        self._update_principal()

    def _carrier_found(self, summary: pickers.CarrierSummary | None) -> None:
        self.show_card(self.card, self.number, summary)
        self._update_principal()

    def _update_principal(self) -> None:
        summary = self.number.summary
        top_secret_out = (summary is not None and summary.level == "绝密"
                          and self.place.currentText() == "带出")
        self.set_row_visible(self.principal, top_secret_out)
        if not top_secret_out:
            self.principal.setChecked(False)

    def operation(self) -> LedgerOp:
        due = fields.to_datetime(self.due)
        return movements.lend(
            number=self.number.number(), borrower=self.borrower.ref() or "",
            approver=self.approver.ref(), purpose=self.purpose.text(),
            place=self.place.currentText(), due=None if due == self.default_due else due,
            principal_leader_approved=self.principal.isChecked(), at=self.when())
