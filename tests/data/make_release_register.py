"""Makes tests/data/register-0.1.0.baomi: a small register as release 0.1.0 wrote it.

Run once per release that changes the schema (never overwrite an older file):
    PYTHONPATH=. python tests/data/make_release_register.py 0.1.0
Accounts: admin / Guanli#2026a, clerk / Baomi#2026ab (cheap Argon2 parameters).
"""
from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from app.clock import FakeClock
from app.crypto.kdf import TEST_PARAMS
from app.ledger import accounts, loans
from app.ledger.carriers import NewCarrier, receive
from app.ledger.people import add_person


def main(version: str) -> None:
    db = Path(__file__).with_name(f"register-{version}.baomi")
    clock = FakeClock(datetime(2026, 11, 2, 9, 0))
    accounts.create_register(db, unit="某市保密局机关", level="秘密", admin="admin",
                             admin_password="Guanli#2026a", clerk="clerk",
                             clerk_password="Chushi#2026a", clock=clock, kdf=TEST_PARAMS)
    reg = accounts.sign_in(db, "clerk", "Chushi#2026a", clock=clock, allow_password_change=True)
    accounts.change_password(reg, "Chushi#2026a", "Baomi#2026ab")
    add_person(reg, name="李处长", dept="办公室", clearance="核心", is_leader=True)
    add_person(reg, name="张三", dept="办公室", clearance="重要")
    number = receive(reg, NewCarrier(title="关于做好年终保密检查工作的通知", level="机密",
                                     issuer="市委办公厅", doc_no="市委办发〔2026〕9号",
                                     copies=2, scope=["办公室"]))[0]
    clock.advance(hours=1)
    loans.lend(reg, number, borrower="张三", approver="李处长")
    clock.advance(hours=2)
    loans.return_(reg, number, returned_by="张三")
    reg.close()
    db.with_name(db.name + ".lock").unlink(missing_ok=True)


if __name__ == "__main__":
    main(sys.argv[1])
