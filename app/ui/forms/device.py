"""计算机与介质: register a computer, copier or fax; log a repair.  R06, R64."""
from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit

from app.errors import BadInput
from app.ledger import pickers
from app.ledger.devices import DEVICE_KINDS
from app.models.carriers import LEVELS
from app.ui.form_base import register_form
from app.ui.forms import fields
from app.ui.forms.base import MovementForm, multi_line
from app.ui.operations import LedgerOp, devices


@register_form
class DeviceForm(MovementForm):
    form_name = "设备登记"
    title = "涉密计算机与设备登记"
    rules = ("涉密计算机物理隔离，不得联网（R50）；无加密设施的传真机不得传送涉密文件（R64）；"
             "移动存储介质作为涉密载体在收文登记中登记（R06）。")

    def build(self) -> None:
        self.kind = QComboBox()
        self.kind.addItems(list(DEVICE_KINDS))
        self.level = QComboBox()
        self.level.addItems(list(reversed(LEVELS)))
        self.level.setCurrentText("秘密")
        self.add_inline("类别", [("类别", self.kind), ("密级", self.level)])
        self.model = QLineEdit()
        self.serial_no = QLineEdit()
        self.add_inline("型号", [("型号", self.model), ("序列号", self.serial_no)])
        self.location = self.add_field("存放位置", QLineEdit())
        self.custodian = self.add_field("责任人", fields.PersonField(self.people()))
        self.encrypted = self.add_field("加密传真", QCheckBox(self.tr("配有经批准的加密设施（传真机）")))
        self.note = self.add_field("备注", multi_line())
        self.add_when("登记时间")
        self.kind.currentTextChanged.connect(self._update)
        self._update(self.kind.currentText())

    def _update(self, kind: str) -> None:
        self.set_row_visible(self.encrypted, kind == "传真机")

    def operation(self) -> LedgerOp:
        return devices.add_device(
            kind=self.kind.currentText(), level=self.level.currentText(),
            location=self.location.text(), custodian=self.custodian.ref(), model=self.model.text(),
            serial_no=self.serial_no.text(), encrypted_fax=self.encrypted.isChecked(),
            note=self.note.toPlainText(), at=self.when())


@register_form
class RepairForm(MovementForm):
    form_name = "设备维修登记"
    title = "设备维修登记"
    rules = ("涉密设备上门维修，由本单位人员现场监督；确需外出修理的，须先拆下硬盘等存储部件（R06）。")

    def build(self) -> None:
        self.device = QComboBox()
        for d in self.read(pickers.devices):
            self.device.addItem(d.label, d.number)
        self.add_field("设备", self.device)
        self.company = self.add_field("维修单位", QLineEdit())
        self.on_site = self.add_field("维修方式", QCheckBox(self.tr("上门维修（在本单位现场）")))
        self.on_site.setChecked(True)
        self.removed = self.add_field("存储部件", QCheckBox(self.tr("已拆下硬盘等存储部件，留在本单位")))
        self.supervisor = self.add_field("监修人", fields.PersonField(self.people()),
                                         hint="涉密设备维修须由本单位人员现场监督")
        self.description = self.add_field("故障与维修", multi_line(60))
        self.add_when("维修时间")
        self.on_site.toggled.connect(lambda on: self.removed.setEnabled(not on))
        self.removed.setEnabled(False)

    def operation(self) -> LedgerOp:
        if not self.device.currentData():
            raise BadInput(self.tr("设备登记中还没有设备，请先登记设备。"))
        return devices.add_repair(
            device=self.device.currentData() or "", company=self.company.text(),
            on_site=self.on_site.isChecked(), supervisor=self.supervisor.ref(),
            description=self.description.toPlainText(),
            storage_removed=self.removed.isChecked(), at=self.when())
