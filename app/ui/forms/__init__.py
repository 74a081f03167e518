"""The movement forms, one module per movement (two for closely paired ones:
发文 and its 回执, a person and their status, a device and its repairs).

Importing this package registers every form with app.ui.form_base.FORMS, so
drafts kept at a forced session end (R53) can be reopened at the next sign-in.
"""
from __future__ import annotations

from app.ui.forms.archive import ArchiveForm
from app.ui.forms.check import CheckForm
from app.ui.forms.circulate import CirculationForm
from app.ui.forms.classify import ClassifyForm
from app.ui.forms.copy import CopyForm
from app.ui.forms.destroy import DestroyForm
from app.ui.forms.device import DeviceForm, RepairForm
from app.ui.forms.dispatch import DispatchForm, ReceiptForm
from app.ui.forms.handover import HandoverForm
from app.ui.forms.incident import IncidentForm
from app.ui.forms.lend import LendForm
from app.ui.forms.person import PersonForm, PersonStatusForm
from app.ui.forms.receive import ReceiveForm
from app.ui.forms.return_ import ReturnForm
from app.ui.forms.withdraw import WithdrawForm

__all__ = ["ArchiveForm", "CheckForm", "CirculationForm", "ClassifyForm", "CopyForm", "DestroyForm",
           "DeviceForm", "DispatchForm", "HandoverForm", "IncidentForm", "LendForm", "PersonForm",
           "PersonStatusForm", "ReceiptForm", "ReceiveForm", "RepairForm", "ReturnForm",
           "WithdrawForm"]
