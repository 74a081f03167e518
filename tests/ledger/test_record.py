"""Writing one movement: a movement numbered up front gets the id SQLite would have
given it, even after other movements still waiting in the same transaction."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from app.errors import BadInput
from app.ledger import lookup, verify
from app.ledger.carriers import NewCarrier, receive
from app.ledger.record import record_movement
from app.models.movements import Movement


@pytest.fixture
def numbers(clerk_reg, people) -> list[str]:
    return receive(clerk_reg, NewCarrier(title="年度保密工作要点", level="秘密", issuer="市保密局", copies=2),
                   at=datetime(2026, 11, 2, 8, 30))


def test_numbered_movement_follows_the_ones_still_pending(clerk_reg, numbers, clock) -> None:
    with clerk_reg.operation("清查") as s:
        last = s.scalar(select(Movement.id).order_by(Movement.id.desc()).limit(1))
        first, second = (lookup.carrier_by_number(s, n) for n in numbers)
        waiting = record_movement(s, first, "清查", clock.now(), detail={"result": "在"})
        assert waiting.id is None  # numbered by the database at the flush
        numbered = record_movement(s, second, "清查", clock.now(), detail={"result": "在"}, numbered=True)
        assert (waiting.id, numbered.id) == (last + 1, last + 2)  # the first was flushed first
    with clerk_reg.read() as s:
        assert s.get(Movement, last + 2).carrier_id == second.id
    assert verify.verify(clerk_reg).ok


def test_numbered_movement_out_of_order_is_refused(clerk_reg, numbers, clock) -> None:
    with clerk_reg.operation("清查") as s:
        carrier = lookup.carrier_by_number(s, numbers[0])
        record_movement(s, carrier, "清查", datetime(2026, 11, 2, 9, 0), detail={"result": "在"})
    with pytest.raises(BadInput, match="早于该载体最近一次流转（2026-11-02 09:00）"), \
            clerk_reg.operation("清查") as s:
        carrier = lookup.carrier_by_number(s, numbers[0])
        record_movement(s, carrier, "清查", datetime(2026, 11, 2, 8, 45), detail={"result": "在"},
                        numbered=True)
