"""Every table of the register. Importing this package registers them all on Base.metadata."""
from __future__ import annotations

from app.models.base import Base
from app.models.journal import JournalEntry
from app.models.accounts import Account, Setting
from app.models.carriers import Carrier, Counter, Device, DeviceRepair, Person, Training
from app.models.movements import Batch, Draft, Incident, Movement

__all__ = ["Base", "JournalEntry", "Account", "Setting", "Carrier", "Counter", "Device",
           "DeviceRepair", "Person", "Training", "Batch", "Draft", "Incident", "Movement"]
