"""Register settings read through a per-session cache: a value is read from the
register once per transaction, and a put, a rollback or another transaction's
change is always seen (R12 下班时间, R51 password floors)."""
from __future__ import annotations

import pytest
from sqlalchemy import event

from app.errors import BadInput
from app.ledger import settings


def statements_of(reg, fn) -> list[str]:
    """The SQL `fn` sends to the register (either engine)."""
    sent: list[str] = []

    def catch(conn, cursor, statement, *_args) -> None:
        sent.append(statement)

    engines = [reg.engine]
    with reg.read() as s:
        engines.append(s.get_bind())
    for engine in engines:
        event.listen(engine, "before_cursor_execute", catch)
    try:
        fn()
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", catch)
    return sent


def test_a_value_is_read_once_per_session(clerk_reg):
    def read_twice() -> None:
        with clerk_reg.read() as s:
            assert settings.get(s, "end_of_day") == "17:30"
            assert settings.get(s, "end_of_day") == "17:30"
            assert settings.get(s, "idle_minutes") == 10  # a default: no row
            assert settings.get(s, "idle_minutes") == 10

    sent = [q for q in statements_of(clerk_reg, read_twice) if "settings" in q]
    assert len(sent) == 2  # one per key, not one per call


def test_put_is_seen_in_the_same_operation_and_after_it(clerk_reg):
    with clerk_reg.operation("设置") as s:
        assert settings.get(s, "end_of_day") == "17:30"
        settings.put(s, "end_of_day", "16:00")
        assert settings.get(s, "end_of_day") == "16:00"
    with clerk_reg.read() as s:
        assert settings.get(s, "end_of_day") == "16:00"


def test_rolled_back_put_is_not_seen_R12(clerk_reg):
    with pytest.raises(RuntimeError), clerk_reg.operation("设置") as s:
        settings.put(s, "end_of_day", "16:00")
        assert settings.get(s, "end_of_day") == "16:00"
        raise RuntimeError("the operation fails after the put")
    with clerk_reg.read() as s:
        assert settings.get(s, "end_of_day") == "17:30"


def test_rolled_back_savepoint_drops_the_cached_value(clerk_reg):
    with clerk_reg.operation("设置") as s:
        assert settings.get(s, "idle_minutes") == 10
        savepoint = s.begin_nested()
        settings.put(s, "idle_minutes", 5)
        assert settings.get(s, "idle_minutes") == 5
        savepoint.rollback()
        assert settings.get(s, "idle_minutes") == 10


def test_a_change_committed_elsewhere_is_seen_by_the_next_transaction(clerk_reg):
    with clerk_reg.read() as reader:
        assert settings.get(reader, "end_of_day") == "17:30"
        with clerk_reg.operation("设置") as s:
            settings.put(s, "end_of_day", "18:00")
        reader.rollback()  # a new read transaction: the committed value, not the cached one
        assert settings.get(reader, "end_of_day") == "18:00"


def test_password_floor_follows_a_level_put_in_the_same_session_R51(clerk_reg):
    with clerk_reg.operation("设置") as s:
        assert settings.get(s, "password_min_length") == 8  # 秘密
        settings.put(s, "level", "机密")
        assert settings.get(s, "password_min_length") == 10
        assert settings.get(s, "password_max_age_days") == 7


def test_refused_put_leaves_the_cached_value(clerk_reg):
    with clerk_reg.operation("设置") as s:
        assert settings.get(s, "end_of_day") == "17:30"
        with pytest.raises(BadInput):
            settings.put(s, "end_of_day", "25:00")
        assert settings.get(s, "end_of_day") == "17:30"
