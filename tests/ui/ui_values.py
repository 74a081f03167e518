"""The accounts of the shared template register (tests/conftest.py), for the UI tests."""
from __future__ import annotations

ADMIN, ADMIN_PW = "admin", "Guanli#2026a"
CLERK, CLERK_PW = "clerk", "Baomi#2026ab"
UNIT = "某市保密局机关"
