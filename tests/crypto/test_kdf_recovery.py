"""Key derivation parameters, the recovery code's shape, and the journal's hash input."""
from __future__ import annotations

from datetime import datetime

import pytest

from app.crypto.canonical import canonical_json
from app.crypto.journal_hash import GENESIS, chain_hash, checkpoint_text
from app.crypto.kdf import TEST_PARAMS, KdfParams, derive
from app.crypto.recovery import ALPHABET, new_recovery_code, normalize


def test_derived_key_depends_on_salt_and_every_parameter() -> None:
    salt = b"s" * 16
    base = derive("Mima#2026ab", salt, TEST_PARAMS)
    assert len(base) == 32
    assert derive("Mima#2026ab", salt, TEST_PARAMS) == base
    assert derive("Mima#2026ab", b"t" * 16, TEST_PARAMS) != base
    assert derive("Mima#2026ab", salt, KdfParams(2, 64, 1)) != base
    assert derive("Mima#2026ab", salt, KdfParams(1, 128, 1)) != base


def test_only_argon2id_parameters_are_accepted() -> None:
    with pytest.raises(ValueError):
        KdfParams.from_dict({"alg": "pbkdf2", "time_cost": 1, "memory_kib": 64, "parallelism": 1})
    assert KdfParams.from_dict(TEST_PARAMS.to_dict()) == TEST_PARAMS


def test_recovery_code_avoids_confusable_characters_and_normalizes_as_typed() -> None:
    code = new_recovery_code()
    groups = code.split("-")
    assert len(groups) == 6 and all(len(g) == 5 for g in groups)
    assert set(code.replace("-", "")) <= set(ALPHABET)
    assert not set("0O1IL2Z5S8B") & set(ALPHABET)
    assert normalize(code.lower().replace("-", " ")) == code
    assert new_recovery_code() != code


def test_canonical_json_is_one_byte_form_for_equal_data() -> None:
    a = canonical_json({"b": 1, "a": "密级", "t": datetime(2026, 11, 2, 9, 0)})
    b = canonical_json({"t": datetime(2026, 11, 2, 9, 0), "a": "密级", "b": 1})
    assert a == b == '{"a":"密级","b":1,"t":"2026-11-02 09:00:00"}'.encode()


def test_chain_hash_covers_previous_hash_and_body_and_checkpoint_is_seq_and_12_digits() -> None:
    h1 = chain_hash(GENESIS, b'{"seq":1}')
    assert h1 != chain_hash(GENESIS, b'{"seq":2}')
    assert chain_hash(h1, b'{"seq":2}') != chain_hash(GENESIS, b'{"seq":2}')
    assert checkpoint_text(7, h1) == f"7:{h1[:12]}"
