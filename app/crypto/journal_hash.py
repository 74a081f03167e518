"""Hash chain of the journal: hash = SHA-256(previous hash || canonical entry body)."""
from __future__ import annotations

import hashlib

GENESIS = "0" * 64


def chain_hash(prev_hash: str, body: bytes) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + body).hexdigest()


def checkpoint_text(seq: int, hash_hex: str) -> str:
    """`SEQ:HASH12`, printed on every ledger page."""
    return f"{seq}:{hash_hex[:12]}"
