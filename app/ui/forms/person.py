"""涉密人员: register a person, or change their status.  R40, R62."""
from __future__ import annotations

from datetime import timedelta

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit

from app.models.carriers import CLEARANCES, PERSON_STATUSES
from app.ui.form_base import register_form
from app.ui.forms import fields
from app.ui.forms.base import MovementForm, multi_line
from app.ui.operations import LedgerOp, people


@register_form
class PersonForm(MovementForm):
    form_name = "涉密人员登记"
    title = "涉密人员登记"
    rules = "涉密人员签订保密承诺书（R62）；领导可批准借阅、复制、销毁；绝密带出须主要领导批准（R15）。"

    def build(self) -> None:
        self.name = self.add_field("姓名", QLineEdit())
        self.dept = self.add_field("部门", QLineEdit())
        self.clearance = QComboBox()
        self.clearance.addItems(list(CLEARANCES))
        self.clearance.setCurrentText("一般")
        self.add_field("涉密等级", self.clearance, hint="核心可知悉绝密，重要可知悉机密，一般可知悉秘密")
        self.leader = QCheckBox(self.tr("领导（可批准借阅、复制、销毁）"))
        self.principal = QCheckBox(self.tr("本单位主要领导"))
        self.add_inline("领导", [("领导", self.leader), ("主要领导", self.principal)])
        self.pledged = self.add_field("保密承诺书", QCheckBox(self.tr("已签订")))
        self.pledge_date = self.add_field("签订日期", fields.date_edit(self.reg.clock.now().date()))
        self.note = self.add_field("备注", multi_line())
        self.principal.toggled.connect(lambda on: on and self.leader.setChecked(True))
        self.pledged.toggled.connect(self.pledge_date.setEnabled)
        self.pledge_date.setEnabled(False)

    def operation(self) -> LedgerOp:
        return people.add_person(
            name=self.name.text(), dept=self.dept.text(), clearance=self.clearance.currentText(),
            is_leader=self.leader.isChecked(), is_principal_leader=self.principal.isChecked(),
            pledge_date=fields.to_date(self.pledge_date) if self.pledged.isChecked() else None,
            note=self.note.toPlainText())


@register_form
class PersonStatusForm(MovementForm):
    form_name = "人员状态变更"
    title = "涉密人员状态变更"
    rules = "仍持有或保管涉密载体的人员，须先归还或办理交接，才能进入脱密期或离岗（R40、R62）。"

    def build(self) -> None:
        self.person = self.add_field("人员", fields.PersonField(self.people(in_post_only=False)))
        self.status = QComboBox()
        self.status.addItems(list(PERSON_STATUSES))
        self.status.setCurrentText("脱密期")
        self.add_field("状态", self.status)
        self.until = self.add_field("脱密期至", fields.date_edit(
            self.reg.clock.now().date() + timedelta(days=365)))
        self.status.currentTextChanged.connect(lambda s: self.until.setEnabled(s == "脱密期"))

    def operation(self) -> LedgerOp:
        status = self.status.currentText()
        return people.set_status(person=self.person.ref() or "", status=status,
                                 until=fields.to_date(self.until) if status == "脱密期" else None)
