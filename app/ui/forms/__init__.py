"""The movement forms, one module per movement (two for closely paired ones:
发文 and its 回执, a person and their status, a device and its repairs).

Importing this package imports no form: each is imported when first used
(`from app.ui.forms import LendForm`, `forms.LendForm`), so the main window
opens without the forms' modules and the ledger modules they pull in (about a
third of a second and 2 MiB).  A form module registers its form with
app.ui.form_base.FORMS when it is imported; `load_all()` imports every one,
so that drafts kept at a forced session end (R53) can be reopened at the next
sign-in.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# The form's class name -> the module (in this package) that defines it.
MODULES: dict[str, str] = {
    "ArchiveForm": "archive",
    "CheckForm": "check",
    "CirculationForm": "circulate",
    "ClassifyForm": "classify",
    "CopyForm": "copy",
    "DestroyForm": "destroy",
    "DeviceForm": "device",
    "RepairForm": "device",
    "DispatchForm": "dispatch",
    "ReceiptForm": "dispatch",
    "HandoverForm": "handover",
    "IncidentForm": "incident",
    "LendForm": "lend",
    "PersonForm": "person",
    "PersonStatusForm": "person",
    "ReceiveForm": "receive",
    "ReturnForm": "return_",
    "WithdrawForm": "withdraw",
}

__all__ = ["ArchiveForm", "CheckForm", "CirculationForm", "ClassifyForm", "CopyForm", "DestroyForm",
           "DeviceForm", "DispatchForm", "HandoverForm", "IncidentForm", "LendForm", "PersonForm",
           "PersonStatusForm", "ReceiptForm", "ReceiveForm", "RepairForm", "ReturnForm",
           "WithdrawForm"]

if TYPE_CHECKING:
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


def __getattr__(name: str) -> Any:
    """A form class, its module imported on first use (PEP 562)."""
    module = MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    cls = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = cls  # found directly from now on
    return cls


def load_all() -> None:
    """Import every form module, so that app.ui.form_base.FORMS knows every form."""
    for module in dict.fromkeys(MODULES.values()):
        importlib.import_module(f"{__name__}.{module}")
