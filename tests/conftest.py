"""Shared fixtures: one register built once per session (cheap Argon2), copied per test."""
from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.clock import FakeClock  # noqa: E402
from app.crypto.kdf import TEST_PARAMS  # noqa: E402
from app.ledger import accounts  # noqa: E402

ADMIN, ADMIN_PW = "admin", "Guanli#2026a"
CLERK, CLERK_PW = "clerk", "Baomi#2026ab"
START = datetime(2026, 11, 2, 9, 0, 0)  # a Monday morning


@pytest.fixture(scope="session")
def _template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A register with an administrator and a clerk whose first password is already changed."""
    folder = tmp_path_factory.mktemp("template")
    db = folder / "register.baomi"
    clock = FakeClock(START)
    code = accounts.create_register(db, unit="某市保密局机关", level="秘密", admin=ADMIN,
                                    admin_password=ADMIN_PW, clerk=CLERK,
                                    clerk_password="Chushi#2026a", clock=clock, kdf=TEST_PARAMS)
    reg = accounts.sign_in(db, CLERK, "Chushi#2026a", clock=clock, allow_password_change=True)
    accounts.change_password(reg, "Chushi#2026a", CLERK_PW)
    reg.close()
    return db, code


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def register_path(_template: tuple[Path, str], tmp_path: Path) -> Path:
    """A fresh copy of the template register (database and keyslots) for one test."""
    src, _ = _template
    dst = tmp_path / src.name
    for suffix in ("", ".keys"):
        shutil.copy2(str(src) + suffix, str(dst) + suffix)
    return dst


@pytest.fixture
def recovery_code(_template: tuple[Path, str]) -> str:
    return _template[1]


@pytest.fixture
def clerk_reg(register_path: Path, clock: FakeClock):
    """The register signed in as the clerk, closed after the test."""
    reg = accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock)
    yield reg
    reg.close()


@pytest.fixture
def admin_reg(register_path: Path, clock: FakeClock):
    reg = accounts.sign_in(register_path, ADMIN, ADMIN_PW, clock=clock)
    yield reg
    reg.close()


@pytest.fixture
def people(clerk_reg):
    """A small unit: a principal leader, a leader, staff of three clearances."""
    from app.ledger.people import add_person
    ids = {
        "王局长": add_person(clerk_reg, name="王局长", dept="局领导", clearance="核心",
                             is_principal_leader=True),
        "李处长": add_person(clerk_reg, name="李处长", dept="办公室", clearance="核心", is_leader=True),
        "张三": add_person(clerk_reg, name="张三", dept="办公室", clearance="重要"),
        "李四": add_person(clerk_reg, name="李四", dept="财务处", clearance="一般"),
        "赵六": add_person(clerk_reg, name="赵六", dept="办公室", clearance="核心"),
    }
    return ids
