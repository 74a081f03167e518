"""The room's devices: unencrypted fax (R64), repairs on site and supervised (R06, S0 九、4)."""
from __future__ import annotations

from datetime import datetime

import pytest

from app.errors import BadInput, NotFound, RuleViolation
from app.ledger.devices import add_device, add_repair, list_devices
from app.models.carriers import DeviceRepair
from app.store.journaling import head


def refused(reg, rule: str, fn, *args, **kw) -> RuleViolation:
    with reg.read() as s:
        before = head(s)
    with pytest.raises(RuleViolation) as e:
        fn(*args, **kw)
    assert e.value.rule == rule and rule in e.value.message
    with reg.read() as s:
        assert head(s) == before
    return e.value


def test_device_numbers_and_listing(clerk_reg, people):
    a = add_device(clerk_reg, kind="计算机", level="机密", location="保密室", custodian="赵六",
                   model="联想 M720", serial_no="PC-01")
    b = add_device(clerk_reg, kind="复印机", level="秘密", location="保密室")
    assert (a, b) == ("SJ-2026-0001", "SJ-2026-0002")
    [pc, copier] = list_devices(clerk_reg)
    assert (pc.kind, pc.level, pc.custodian, pc.repairs) == ("计算机", "机密", "赵六", 0)
    assert copier.number == b


@pytest.mark.parametrize("kw", [dict(kind="手机"), dict(kind="计算机", level="高密"),
                                dict(kind="计算机", custodian="无此人")])
def test_device_bad_input(clerk_reg, people, kw):
    with pytest.raises(BadInput):
        add_device(clerk_reg, **kw)


def test_same_serial_twice_is_bad_input(clerk_reg):
    add_device(clerk_reg, kind="打印机", serial_no="PR-7")
    with pytest.raises(BadInput):
        add_device(clerk_reg, kind="打印机", serial_no="PR-7")


# -- R64: no unencrypted fax for secrets --------------------------------------------------

@pytest.mark.parametrize("level", ["秘密", "机密"])
def test_unencrypted_fax_for_classified_use_refused_R64(clerk_reg, level):
    e = refused(clerk_reg, "R64", add_device, clerk_reg, kind="传真机", level=level)
    assert "加密" in e.message


def test_encrypted_fax_for_classified_use_allowed_R64(clerk_reg):
    add_device(clerk_reg, kind="传真机", level="机密", encrypted_fax=True)
    assert list_devices(clerk_reg)[0].encrypted_fax is True


def test_unencrypted_fax_for_non_secret_use_allowed_R64(clerk_reg):
    add_device(clerk_reg, kind="传真机", level="内部")


# -- R06 / S0 九、4: repairs ----------------------------------------------------------------

@pytest.fixture
def pc(clerk_reg, people) -> str:
    return add_device(clerk_reg, kind="计算机", level="机密", location="保密室", serial_no="PC-01")


def test_off_site_repair_with_storage_in_place_refused_R06(clerk_reg, pc, clock):
    clock.advance(days=3)
    e = refused(clerk_reg, "R06", add_repair, clerk_reg, pc, company="某电脑公司", on_site=False,
                supervisor="赵六", description="主板故障", storage_removed=False)
    assert "硬盘" in e.message


def test_off_site_repair_with_storage_removed_allowed_R06(clerk_reg, pc, clock, people):
    clock.advance(days=3)
    rid = add_repair(clerk_reg, pc, company="某电脑公司", on_site=False, supervisor="赵六",
                     description="主板故障，硬盘已拆下留存", storage_removed=True)
    with clerk_reg.read() as s:
        r = s.get(DeviceRepair, rid)
        assert (r.on_site, r.storage_removed, r.supervisor_id) == (False, True, people["赵六"])
        assert r.at == datetime(2026, 11, 5, 9, 0)
    [info] = list_devices(clerk_reg)
    assert info.repairs == 1 and info.last_repair_at == datetime(2026, 11, 5, 9, 0)


def test_on_site_repair_supervised_allowed_R06(clerk_reg, pc, clock):
    clock.advance(hours=2)
    add_repair(clerk_reg, pc.lower() + " ", company="某电脑公司", on_site=True, supervisor="赵六",
               description="更换电源")  # a typed or scanned number


def test_repair_without_supervisor_refused_R06(clerk_reg, pc, clock):
    clock.advance(hours=2)
    refused(clerk_reg, "R06", add_repair, clerk_reg, pc, company="某电脑公司", on_site=True)


def test_non_secret_device_repaired_off_site_allowed(clerk_reg, clock):
    n = add_device(clerk_reg, kind="打印机", level="内部")
    clock.advance(hours=2)
    add_repair(clerk_reg, n, company="某打印机维修部", on_site=False)


def test_repair_of_unknown_device_not_found(clerk_reg):
    with pytest.raises(NotFound):
        add_repair(clerk_reg, "SJ-2026-9999", supervisor="赵六")


def test_repair_before_registration_is_bad_input(clerk_reg, pc):
    with pytest.raises(BadInput):
        add_repair(clerk_reg, pc, supervisor="赵六", at=datetime(2026, 11, 1, 9, 0))
