"""Argon2id key derivation for keyslots, with per-slot parameters."""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass

from argon2.low_level import Type, hash_secret_raw

MIN_MEMORY_KIB = 64 * 1024  # the floor for a real register: 64 MiB
TARGET_SECONDS = 0.5


@dataclass(frozen=True)
class KdfParams:
    time_cost: int
    memory_kib: int
    parallelism: int = 2
    alg: str = "argon2id"

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "KdfParams":
        if d.get("alg") != "argon2id":
            raise ValueError("unsupported kdf")
        return cls(int(d["time_cost"]), int(d["memory_kib"]), int(d["parallelism"]))


# Tests build many registers; this costs about a millisecond and is never
# chosen by calibrate().
TEST_PARAMS = KdfParams(time_cost=1, memory_kib=64, parallelism=1)


def derive(secret: str | bytes, salt: bytes, params: KdfParams) -> bytes:
    """The 256-bit key-encryption key of one slot."""
    if isinstance(secret, str):
        secret = secret.encode("utf-8")
    return hash_secret_raw(secret, salt, time_cost=params.time_cost,
                           memory_cost=params.memory_kib, parallelism=params.parallelism,
                           hash_len=32, type=Type.ID)


def calibrate(target_seconds: float = TARGET_SECONDS, memory_kib: int = MIN_MEMORY_KIB,
              parallelism: int = 2) -> KdfParams:
    """Passes needed for about `target_seconds` on this machine, at least 64 MiB.

    Two passes are timed three times (after a warm-up that faults the memory
    in) and the fastest run counts: another program busy at set-up must not
    make every later unlock weaker.  Passes scale linearly; clamped to 1..200.
    """
    salt = b"\0" * 16
    derive(b"warm-up", salt, KdfParams(1, memory_kib, parallelism))
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        derive(b"calibrate", salt, KdfParams(2, memory_kib, parallelism))
        runs.append(time.perf_counter() - start)
    per_pass = max(min(runs) / 2, 1e-4)
    passes = max(1, min(200, round(target_seconds / per_pass)))
    return KdfParams(passes, memory_kib, parallelism)
