"""定密 / 变更 / 解密: proposed by the drafter, confirmed by the signing leader.  R05, R06, R03."""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit

from app.ledger import pickers
from app.ledger.classification import KINDS
from app.models.carriers import LEVELS
from app.ui.form_base import register_form
from app.ui.forms import fields
from app.ui.forms.base import MovementForm
from app.ui.operations import LedgerOp, movements

UNCHANGED = "（不变）"


@register_form
class ClassifyForm(MovementForm):
    form_name = "定密登记"
    title = "定密、变更与解密"
    rules = ("拟稿人提出密级和保密期限，签发领导审核确定，最迟在文件产生后 10 日内完成（R05）；"
             "存储过涉密信息的介质不得降低密级使用（R06）；机密、绝密须有份号（R03）。")

    def build(self) -> None:
        self.number = self.add_field("登记号", self.carrier_field())
        self.card = self.add_row("", fields.CarrierCard())
        self.kind = QComboBox()
        self.kind.addItems(list(KINDS))
        self.add_field("事项", self.kind)
        self.level = QComboBox()
        self.level.addItem(UNCHANGED)
        self.level.addItems(list(LEVELS))
        self.period = QLineEdit()
        self.period.setPlaceholderText(self.tr("如 10年、2030-12-31；不变可不填"))
        self.add_inline("密级", [("密级", self.level), ("保密期限", self.period)])
        self.proposed_by = self.add_field("拟定人", fields.PersonField(self.people()),
                                          hint="提出密级和保密期限的承办人（拟稿人）")
        self.confirmed_by = self.add_field("审核确定人", fields.PersonField(
            self.leaders(), placeholder="签发领导姓名的一部分"))
        self.confirmed_by.set_person(self.last_approver(*KINDS))
        self.basis = self.add_field("依据", QLineEdit(),
                                    hint="保密事项一览表的条目，或变更、解密的通知文号")
        self.add_when("时间")
        self.number.next_widget = self.kind
        self.number.found.connect(self._carrier_found)
        self.kind.currentIndexChanged.connect(lambda _i: self._update())
        self._update()

    def _carrier_found(self, summary: pickers.CarrierSummary | None) -> None:
        self.show_card(self.card, self.number, summary)

    def _update(self) -> None:
        declassify = self.kind.currentText() == "解密"
        self.level.setEnabled(not declassify)
        self.period.setEnabled(not declassify)
        if declassify:
            self.level.setCurrentIndex(0)
            self.period.clear()

    def operation(self) -> LedgerOp:
        level = self.level.currentText()
        return movements.classify(
            number=self.number.number(), kind=self.kind.currentText(),
            level=None if level == UNCHANGED else level, period=self.period.text() or None,
            proposed_by=self.proposed_by.ref() or "", confirmed_by=self.confirmed_by.ref() or "",
            basis=self.basis.text(), at=self.when())
