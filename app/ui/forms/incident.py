"""失泄密事件: the seven fields of the written report.  R45."""
from __future__ import annotations

from PySide6.QtWidgets import QCheckBox

from app.ledger import pickers
from app.ledger.incidents import FIELDS
from app.ui.form_base import register_form
from app.ui.forms import fields
from app.ui.forms.base import MovementForm, multi_line
from app.ui.operations import LedgerOp, movements

LABELS = {"content": "内容、密级、数量", "how_found": "发现经过", "responsible": "责任人情况",
          "course": "时间、地点、经过", "harm": "危害", "investigation": "查处工作",
          "remedies": "补救措施"}


@register_form
class IncidentForm(MovementForm):
    form_name = "失泄密事件"
    title = "失泄密事件报告"
    rules = ("发现后 24 小时内书面报告（紧急情况先口头报告），3 个月内报告查处结果（R45）。"
             "以下七项均须填写；查处工作可写「正在调查」。")

    def build(self) -> None:
        now = self.reg.clock.now().replace(second=0, microsecond=0)
        self.discovered = self.add_field("发现时间", fields.datetime_edit(now))
        self.number = self.add_field("载体登记号", self.carrier_field(),
                                     hint="涉及已登记的载体时填写；内容一项可留空，按登记信息填入")
        self.card = self.add_row("", fields.CarrierCard())
        self.lost = self.add_field("载体状态", QCheckBox(self.tr("载体本身丢失，登记为下落不明")))
        self.lost.setChecked(True)
        self.texts = {}
        for key in FIELDS:
            edit = multi_line(48)
            edit.setPlaceholderText(self.tr(FIELDS[key]))
            self.texts[key] = self.add_field(LABELS[key], edit)
        self.texts["investigation"].setPlainText(self.tr("正在调查"))
        self.number.next_widget = self.lost
        self.number.found.connect(self._carrier_found)

    def _carrier_found(self, summary: pickers.CarrierSummary | None) -> None:
        self.show_card(self.card, self.number, summary)

    def operation(self) -> LedgerOp:
        text = {key: edit.toPlainText() for key, edit in self.texts.items()}
        return movements.open_incident(discovered_at=fields.to_datetime(self.discovered),
                                       carrier=self.number.number() or None,
                                       mark_lost=self.lost.isChecked(), **text)
