"""The recovery code: shown once at set-up, printed, sealed, kept in the safe."""
from __future__ import annotations

import secrets

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: the code is read from paper and typed back.
ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
GROUPS, GROUP_LEN = 6, 5  # 30 symbols of 25 = about 139 bits


def new_recovery_code() -> str:
    chars = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_LEN))
    return "-".join(chars[i:i + GROUP_LEN] for i in range(0, len(chars), GROUP_LEN))


def normalize(code: str) -> str:
    """Accepts lower case, spaces and missing dashes as typed from the printout."""
    chars = [c for c in code.upper() if c.isalnum()]
    joined = "".join(chars)
    return "-".join(joined[i:i + GROUP_LEN] for i in range(0, len(joined), GROUP_LEN))
