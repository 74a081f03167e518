"""收文登记: one document, N copies, in one save.  R01–R07."""
from __future__ import annotations

import re

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QSpinBox

from app.errors import BadInput
from app.ledger.carriers import DEFAULT_PERIOD_YEARS, NewCarrier
from app.models.carriers import KINDS
from app.ui.form_base import register_form
from app.ui.forms import fields
from app.ui.forms.base import MovementForm, multi_line
from app.ui.operations import LedgerOp, movements

ORIGIN_LABELS = {"收文": "收文", "会议带回": "会议带回", "自制": "本单位制作"}
LEVEL_CHOICES = ("秘密", "机密", "绝密", "内部")  # the common level first
_SPLIT = re.compile(r"[,，、;；\s]+")


def serial_hint(level: str, copies: int, serial: str) -> tuple[str, bool]:
    """The live 份号 hint (R03) and whether it is a warning."""
    serial = serial.strip()
    needs = level in ("机密", "绝密")
    if copies == 1:
        if needs and not serial:
            return f"{level}载体须标注份号（R03），请填写，如 001。", True
        return ("份号 " + serial, False) if serial else ("秘密、内部载体可不填份号。", False)
    if not serial:
        return f"将自动编为「第1份/共{copies}份」至「第{copies}份/共{copies}份」，共 {copies} 件。", False
    if serial.isdigit():
        last = str(int(serial) + copies - 1).zfill(len(serial))
        return f"将编为 {serial} 至 {last}，共 {copies} 件。", False
    return "收多份时，份号应为起始数字（如 001），或留空自动编号。", True


@register_form
class ReceiveForm(MovementForm):
    form_name = "收文登记"
    title = "收文登记"
    rules = ("当日签收、登记（R01）；逐件登记编号（R02）；机密、绝密须标注份号（R03）；"
             "本单位制作的涉密文件须领导批准，按批准份数登记（R04）。")

    def build(self) -> None:
        self.title_edit = self.add_field("文件标题", QLineEdit())
        self.title_edit.setMinimumWidth(420)
        self.level = QComboBox()
        self.level.addItems(list(LEVEL_CHOICES))
        self.copies = QSpinBox()
        self.copies.setRange(1, 1000)
        self.copies.setSuffix(self.tr(" 份"))
        self.serial = QLineEdit()
        self.serial.setPlaceholderText(self.tr("如 001"))
        self.add_inline("密级", [("密级", self.level), ("份数", self.copies), ("份号", self.serial)])
        self.serial_hint = QLabel()
        self.serial_hint.setWordWrap(True)
        self.serial_hint.setMinimumWidth(380)
        self.add_row("", self.serial_hint)
        self.doc_no = QLineEdit()
        self.issuer = QLineEdit()
        self.add_inline("来文单位", [("来文单位", self.issuer), ("文号", self.doc_no)])
        self.kind = QComboBox()
        self.kind.addItems(list(KINDS))
        self.pages = QSpinBox()
        self.pages.setRange(0, 100000)
        self.pages.setSpecialValueText(self.tr("未填"))
        self.add_inline("载体类别", [("载体类别", self.kind), ("页数", self.pages)])
        self.period = self.add_field("保密期限", QLineEdit(),
                                     hint="如 10年、2030-12-31 或解密条件；留空按密级默认")
        self.scope = self.add_field("知悉范围", QLineEdit(),
                                    hint="人员姓名或部门，用逗号或顿号分隔；留空为不限定（R11）")
        everyone = self.people()
        self.location = QLineEdit()
        self.custodian = fields.PersonField(everyone)
        self.add_inline("存放位置", [("存放位置", self.location), ("保管人", self.custodian)])
        self.origin = QComboBox()
        for key, label in ORIGIN_LABELS.items():
            self.origin.addItem(label, key)
        self.via = QLineEdit()
        self.via.setPlaceholderText(self.tr("机要交通、专人送达；会议名称"))
        self.add_inline("来源", [("来源", self.origin), ("传递方式", self.via)])
        self.received_by = self.add_field("签收人", fields.PersonField(everyone))
        self.approved_by = fields.PersonField(self.leaders(), placeholder="领导姓名的一部分")
        self.approved_count = QSpinBox()
        self.approved_count.setRange(0, 1000)
        self.approved_count.setSpecialValueText(self.tr("未填"))
        self.approval_row = self.add_inline("批准人", [("批准人", self.approved_by),
                                                      ("批准份数", self.approved_count)],
                                            hint="本单位制作的涉密文件须领导批准，按批准份数印制、登记（R04）")
        self.add_when("收文时间")
        self.note = self.add_field("备注", multi_line(60))

        for signal in (self.level.currentIndexChanged, self.copies.valueChanged,
                       self.serial.textChanged, self.origin.currentIndexChanged):
            signal.connect(lambda *_a: self._update())
        self._update()

    def _update(self) -> None:
        level = self.level.currentText()
        text, warn = serial_hint(level, self.copies.value(), self.serial.text())
        self.serial_hint.setText(self.tr(text))
        self.serial_hint.setStyleSheet("color: #b00020;" if warn else "color: #777;")
        self.serial_hint.setProperty("warning", warn)
        years = DEFAULT_PERIOD_YEARS.get(level)
        self.period.setPlaceholderText(self.tr(f"默认 {years}年") if years else "")
        produced = self.origin.currentData() == "自制"
        self.set_row_visible(self.approval_row, produced)
        meeting = self.origin.currentData() == "会议带回"
        label = self.form.labelForField(self.received_by)
        if label is not None:
            label.setText(self.tr("交回人：") if meeting else self.tr("签收人："))

    def after_restore(self) -> None:
        self._update()

    def new_carrier(self) -> NewCarrier:
        title = self.title_edit.text().strip()
        if not title:
            raise BadInput(self.tr("请填写文件标题。"))
        scope = [p for p in _SPLIT.split(self.scope.text()) if p]
        produced = self.origin.currentData() == "自制"
        return NewCarrier(
            title=title, level=self.level.currentText(), issuer=self.issuer.text(),
            doc_no=self.doc_no.text(), kind=self.kind.currentText(), copies=self.copies.value(),
            serial=self.serial.text(), period=self.period.text(),
            pages=self.pages.value() or None, scope=scope, location=self.location.text(),
            custodian=_name_ref(self.custodian), origin=self.origin.currentData(),
            via=self.via.text(), received_by=_name_ref(self.received_by),
            approved_by=_name_ref(self.approved_by) if produced else None,
            approved_count=(self.approved_count.value() or None) if produced else None,
            note=self.note.toPlainText())

    def operation(self) -> LedgerOp:
        return movements.receive(carrier=self.new_carrier(), at=self.when())


def _name_ref(field: fields.PersonField) -> str | None:
    """NewCarrier takes names: 姓名/部门 when a person is chosen (two may share a name)."""
    person = field.person()
    if person is not None:
        return f"{person.name}/{person.dept}" if person.dept else person.name
    return field.text().strip() or None

