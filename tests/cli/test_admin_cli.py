"""The `baomi` administration verbs and their exit statuses:
0 done, 1 verify found a problem, 2 credentials, 3 a rule, 4 bad input, 5 register unusable.
Every run is also checked (in conftest) to print no traceback."""
from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
import sqlcipher3.dbapi2 as sqlcipher

from app.crypto.kdf import MIN_MEMORY_KIB, TEST_PARAMS
from app.crypto.keyslots import RECOVERY, KeyslotFile, keyslot_path
from app.crypto.recovery import normalize
from app.ledger import accounts
from app.store.instance_lock import InstanceLock

ADMIN, ADMIN_PW = "admin", "Guanli#2026a"
CLERK, CLERK_PW = "clerk", "Baomi#2026ab"
CODE_RE = re.compile(r"^[A-Z0-9]{5}(-[A-Z0-9]{5}){5}$")
CHECKPOINT_RE = re.compile(r"^\d+:[0-9a-f]{12}$")


@pytest.fixture
def cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """`baomi init` without the real calibration (one test below keeps it)."""
    monkeypatch.setattr(accounts, "calibrate", lambda: TEST_PARAMS)


def _as_clerk(baomi, db: Path, verb: str, *more: object, stdin: tuple[str, ...] = (CLERK_PW,)):
    return baomi(verb, db, "--user", CLERK, "--password-stdin", *more, stdin=stdin)


# -- init -----------------------------------------------------------------------------

def test_init_end_to_end_with_real_calibration(baomi, tmp_path: Path) -> None:
    db = tmp_path / "new.baomi"
    run = baomi("init", db, "--unit", "某县档案局", "--level", "秘密", "--admin", "root",
                "--clerk", "mishu", "--password-stdin", stdin=("Guanli#2026a", "Chushi#2026a"))
    assert run.code == 0, run.err
    code = run.out.strip().splitlines()[-1]
    assert CODE_RE.match(code)
    assert "已建立登记簿" in run.err and "恢复码" in run.err
    keyfile = KeyslotFile.load(keyslot_path(db))
    assert keyfile.kdf_default.memory_kib >= MIN_MEMORY_KIB
    assert all(s.kdf == keyfile.kdf_default for s in keyfile.slots)
    # The printed code opens its own slot.
    assert keyfile.unwrap(keyfile.find(RECOVERY), normalize(code)) is not None
    # The administrator's password works; the clerk must change the initial one first.
    assert baomi("checkpoint", db, "--user", "root", "--password-stdin", stdin=("Guanli#2026a",)).code == 0


def test_init_refuses_an_existing_file(baomi, register_path: Path) -> None:
    before = register_path.read_bytes()
    run = baomi("init", register_path, "--unit", "某单位", "--level", "秘密", "--admin", "x",
                "--password-stdin", stdin=("Guanli#2026a",))
    assert run.code == 4 and "已存在" in run.err
    assert register_path.read_bytes() == before


def test_init_refuses_a_weak_password_naming_R51_and_leaves_no_file(baomi, cheap_kdf,
                                                                   tmp_path: Path) -> None:
    db = tmp_path / "new.baomi"
    run = baomi("init", db, "--unit", "某单位", "--level", "机密", "--admin", "root",
                "--password-stdin", stdin=("Short#12a",))  # 9 < 10 for 机密
    assert run.code == 3 and "R51" in run.err
    assert list(tmp_path.iterdir()) == []


def test_init_refuses_admin_and_clerk_of_one_name(baomi, cheap_kdf, tmp_path: Path) -> None:
    run = baomi("init", tmp_path / "n.baomi", "--unit", "某单位", "--level", "秘密", "--admin", "wang",
                "--clerk", "wang", "--password-stdin", stdin=("Guanli#2026a", "Baomi#2026ab"))
    assert run.code == 3 and "三员分立" in run.err


def test_init_with_a_missing_password_line_is_bad_input(baomi, cheap_kdf, tmp_path: Path) -> None:
    run = baomi("init", tmp_path / "n.baomi", "--unit", "某单位", "--level", "秘密", "--admin", "root",
                "--clerk", "mishu", "--password-stdin", stdin=("Guanli#2026a",))
    assert run.code == 4 and "标准输入中缺少" in run.err
    assert list(tmp_path.iterdir()) == []


def test_init_by_cheap_kdf_then_clerk_first_login_via_passwd(baomi, cheap_kdf, tmp_path: Path) -> None:
    db = tmp_path / "n.baomi"
    assert baomi("init", db, "--unit", "某单位", "--level", "秘密", "--admin", "root", "--clerk", "mishu",
                 "--password-stdin", stdin=("Guanli#2026a", "Chushi#2026a")).code == 0
    run = baomi("verify", db, "--user", "mishu", "--password-stdin", stdin=("Chushi#2026a",))
    assert run.code == 2 and "首次登录" in run.err
    run = baomi("passwd", db, "--user", "mishu", "--password-stdin", stdin=("Chushi#2026a", "Xinde#2026ab"))
    assert run.code == 0, run.err
    assert baomi("verify", db, "--user", "mishu", "--password-stdin", stdin=("Xinde#2026ab",)).code == 0


# -- passwords are never arguments (R52) ---------------------------------------------------

def test_password_is_never_taken_from_arguments_R52(baomi, register_path: Path) -> None:
    run = baomi("checkpoint", register_path, "--user", CLERK, "--password", CLERK_PW)
    assert run.code == 4


def test_without_a_terminal_or_password_stdin_nothing_is_read(baomi, register_path: Path) -> None:
    run = baomi("checkpoint", register_path, "--user", CLERK, stdin=(CLERK_PW,))
    assert run.code == 4 and "--password-stdin" in run.err


def test_unknown_verb_and_missing_user_are_bad_input(baomi, register_path: Path) -> None:
    assert baomi("frobnicate", register_path).code == 4
    run = baomi("verify", register_path, "--password-stdin", stdin=(CLERK_PW,))
    assert run.code == 4 and "参数有误" in run.err


# -- verify and checkpoint --------------------------------------------------------------------

def test_verify_clean_register_exits_0_with_a_summary(baomi, register_path: Path) -> None:
    run = _as_clerk(baomi, register_path, "verify")
    assert run.code == 0, run.err
    assert "日志条目" in run.out and "校验通过" in run.out
    assert CHECKPOINT_RE.match(run.out.split("当前检查点：")[1].split()[0])


def test_verify_reports_a_raw_edit_with_table_and_id_and_exits_1(baomi, register_path: Path,
                                                                 clerk_reg) -> None:
    key = clerk_reg.data_key
    clerk_reg.close()
    con = sqlcipher.connect(str(register_path), isolation_level=None)
    con.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    con.execute("UPDATE settings SET value = '\"别的单位\"' WHERE key = 'unit_name'")
    con.close()
    run = _as_clerk(baomi, register_path, "verify")
    assert run.code == 1
    assert "表 settings 中编号 unit_name" in run.out and "校验未通过" in run.err


def test_checkpoint_prints_seq_and_hash12_that_verify_accepts(baomi, register_path: Path) -> None:
    run = _as_clerk(baomi, register_path, "checkpoint")
    assert run.code == 0
    printed = run.out.strip()
    assert CHECKPOINT_RE.match(printed)
    assert _as_clerk(baomi, register_path, "verify", "--checkpoint", printed).code == 0
    seq = printed.split(":")[0]
    assert _as_clerk(baomi, register_path, "verify", "--checkpoint", f"{seq}:abcdefabcdef").code == 1
    assert _as_clerk(baomi, register_path, "verify", "--checkpoint", "nonsense").code == 4


def test_the_account_administrator_may_not_verify_the_journal(baomi, register_path: Path) -> None:
    run = baomi("verify", register_path, "--user", ADMIN, "--password-stdin", stdin=(ADMIN_PW,))
    assert run.code == 3 and "三员分立" in run.err


# -- credentials: exit 2 ----------------------------------------------------------------------

def test_wrong_password_and_unknown_user_exit_2_with_one_message(baomi, register_path: Path) -> None:
    wrong = _as_clerk(baomi, register_path, "checkpoint", stdin=("Falsch#2026x",))
    unknown = baomi("checkpoint", register_path, "--user", "nobody", "--password-stdin", stdin=(CLERK_PW,))
    assert wrong.code == unknown.code == 2
    assert wrong.err == unknown.err == "用户名或密码错误。\n"


def test_locked_account_exits_2_with_minutes_then_admin_unlocks(baomi, register_path: Path) -> None:
    for _ in range(4):
        assert _as_clerk(baomi, register_path, "checkpoint", stdin=("Falsch#2026x",)).code == 2
    run = _as_clerk(baomi, register_path, "checkpoint", stdin=("Falsch#2026x",))
    assert run.code == 2 and "30 分钟" in run.err
    run = baomi("users", register_path, "--user", ADMIN, "--password-stdin", "list", stdin=(ADMIN_PW,))
    assert "锁定" in run.out and CLERK in run.err  # the lock-out is shown to the administrator
    run = baomi("users", register_path, "--user", ADMIN, "--password-stdin", "unlock", CLERK,
                stdin=(ADMIN_PW,))
    assert run.code == 0
    assert _as_clerk(baomi, register_path, "checkpoint").code == 0


def test_disabled_account_exits_2(baomi, register_path: Path) -> None:
    run = baomi("users", register_path, "--user", ADMIN, "--password-stdin", "disable", CLERK,
                stdin=(ADMIN_PW,))
    assert run.code == 0
    run = _as_clerk(baomi, register_path, "checkpoint")
    assert run.code == 2 and "停用" in run.err


def test_expired_password_exits_2_until_passwd(baomi, register_path: Path, clock) -> None:
    clock.advance(days=31)
    run = _as_clerk(baomi, register_path, "checkpoint")
    assert run.code == 2 and "baomi passwd" in run.err
    assert _as_clerk(baomi, register_path, "passwd", stdin=(CLERK_PW, "Xinkouling#31")).code == 0
    assert _as_clerk(baomi, register_path, "checkpoint", stdin=("Xinkouling#31",)).code == 0


# -- passwd and recover -------------------------------------------------------------------------

def test_passwd_refuses_a_reused_password_naming_R51(baomi, register_path: Path) -> None:
    run = _as_clerk(baomi, register_path, "passwd", stdin=(CLERK_PW, CLERK_PW))
    assert run.code == 3 and "R51" in run.err
    assert _as_clerk(baomi, register_path, "passwd", stdin=("Falsch#2026x", "Xinkouling#1")).code == 2
    assert _as_clerk(baomi, register_path, "checkpoint").code == 0  # nothing changed


def test_recover_with_the_code_then_sign_in_with_the_new_password(baomi, register_path: Path,
                                                                  recovery_code: str) -> None:
    run = baomi("recover", register_path, "--user", CLERK, "--password-stdin",
                stdin=(recovery_code, "Huifu#2026abc"))
    assert run.code == 0, run.err
    assert _as_clerk(baomi, register_path, "checkpoint", stdin=("Huifu#2026abc",)).code == 0
    run = baomi("recover", register_path, "--user", CLERK, "--password-stdin",
                stdin=("AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA", "Huifu#2026xyz"))
    assert run.code == 2 and "恢复码不正确" in run.err


# -- users ----------------------------------------------------------------------------------------

def _admin(baomi, db: Path, *action: object, stdin: tuple[str, ...] = (ADMIN_PW,)):
    return baomi("users", db, "--user", ADMIN, "--password-stdin", *action, stdin=stdin)


def test_users_add_list_and_json(baomi, register_path: Path) -> None:
    run = _admin(baomi, register_path, "add", "insp", "--role", "检查人员", "--display-name", "赵检查",
                 stdin=(ADMIN_PW, "Jiancha#2026a"))
    assert run.code == 0, run.err
    table = _admin(baomi, register_path, "list").out
    assert re.search(r"insp\s+赵检查\s+检查人员\s+正常\s+首次登录", table), table
    rows = json.loads(_admin(baomi, register_path, "list", "--json").out)
    assert {r["username"]: r["roles"] for r in rows} == {
        ADMIN: ["系统管理员"], CLERK: ["保密员"], "insp": ["检查人员"]}
    # The new inspector must change the initial password, then may verify.
    assert baomi("passwd", register_path, "--user", "insp", "--password-stdin",
                 stdin=("Jiancha#2026a", "Jiancha#2026b")).code == 0
    assert baomi("verify", register_path, "--user", "insp", "--password-stdin",
                 stdin=("Jiancha#2026b",)).code == 0


def test_users_add_refusals(baomi, register_path: Path) -> None:
    run = _admin(baomi, register_path, "add", "x1", "--role", "校长", stdin=(ADMIN_PW, "Jiancha#2026a"))
    assert run.code == 4 and "未知的角色" in run.err
    run = _admin(baomi, register_path, "add", "x2", "--role", "系统管理员,检查人员",
                 stdin=(ADMIN_PW, "Jiancha#2026a"))
    assert run.code == 3 and "R54" in run.err
    run = _admin(baomi, register_path, "add", "x3", "--role", "领导", stdin=(ADMIN_PW, "short"))
    assert run.code == 3 and "R51" in run.err
    run = _admin(baomi, register_path, "add", CLERK, "--role", "领导", stdin=(ADMIN_PW, "Lingdao#2026a"))
    assert run.code == 4 and "已存在" in run.err


def test_users_verbs_need_the_administrator(baomi, register_path: Path) -> None:
    run = baomi("users", register_path, "--user", CLERK, "--password-stdin", "add", "x", "--role", "领导",
                stdin=(CLERK_PW, "Lingdao#2026a"))
    assert run.code == 3 and "系统管理员" in run.err
    run = baomi("users", register_path, "--user", CLERK, "--password-stdin", "list", stdin=(CLERK_PW,))
    assert run.code == 3


def test_users_reset_forces_a_change_R56(baomi, register_path: Path) -> None:
    assert _admin(baomi, register_path, "reset", CLERK, stdin=(ADMIN_PW, "Linshi#2026x")).code == 0
    run = _as_clerk(baomi, register_path, "checkpoint", stdin=("Linshi#2026x",))
    assert run.code == 2 and "重置" in run.err
    assert _as_clerk(baomi, register_path, "passwd", stdin=("Linshi#2026x", "Xinkouling#56")).code == 0
    assert _as_clerk(baomi, register_path, "checkpoint", stdin=("Xinkouling#56",)).code == 0


def test_users_unknown_account_is_bad_input(baomi, register_path: Path) -> None:
    run = _admin(baomi, register_path, "disable", "ghost")
    assert run.code == 4 and "ghost" in run.err


# -- register unusable: exit 5 ------------------------------------------------------------------------

def test_random_bytes_with_a_borrowed_keyslot_file_is_not_a_register(baomi, register_path: Path,
                                                                     tmp_path: Path) -> None:
    fake = tmp_path / "fake.baomi"
    fake.write_bytes(os.urandom(8192))
    shutil.copy(keyslot_path(register_path), keyslot_path(fake))
    run = _as_clerk(baomi, fake, "checkpoint")
    assert run.code == 5 and "fake.baomi" in run.err and "不是本程序的登记簿" in run.err


def test_missing_keyslot_file_exits_5(baomi, register_path: Path) -> None:
    keyslot_path(register_path).unlink()
    run = _as_clerk(baomi, register_path, "checkpoint")
    assert run.code == 5 and "密钥槽文件" in run.err


def test_missing_register_file_exits_5(baomi, tmp_path: Path) -> None:
    run = _as_clerk(baomi, tmp_path / "absent.baomi", "checkpoint")
    assert run.code == 5 and "找不到" in run.err


def test_register_open_in_another_instance_exits_5(baomi, register_path: Path) -> None:
    lock = InstanceLock(register_path).acquire()
    try:
        run = _as_clerk(baomi, register_path, "checkpoint")
    finally:
        lock.release()
    assert run.code == 5 and "另一个程序" in run.err
    assert _as_clerk(baomi, register_path, "checkpoint").code == 0


# -- backup and restore (R55) -------------------------------------------------------------------------

def test_backup_and_restore_round_trip_then_refusals(baomi, register_path: Path, tmp_path: Path) -> None:
    folder = tmp_path / "usb" / "bk"
    (tmp_path / "usb").mkdir()
    run = _as_clerk(baomi, register_path, "backup", "--to", folder)
    assert run.code == 0, run.err
    checkpoint = run.out.strip()
    assert CHECKPOINT_RE.match(checkpoint) and "R55" in run.err

    target = tmp_path / "back" / "r.baomi"
    target.parent.mkdir()
    run = baomi("restore", folder, "--to", target)
    assert run.code == 0, run.err
    assert _as_clerk(baomi, target, "verify", "--checkpoint", checkpoint).code == 0
    assert baomi("checkpoint", target, "--user", ADMIN, "--password-stdin", stdin=(ADMIN_PW,)).code == 0

    run = baomi("restore", folder, "--to", target)
    assert run.code == 4 and "已存在" in run.err
    run = _as_clerk(baomi, register_path, "backup", "--to", folder)
    assert run.code == 4

    db = folder / "register.baomi"
    data = bytearray(db.read_bytes())
    data[-100] ^= 0xFF
    db.write_bytes(bytes(data))
    run = baomi("restore", folder, "--to", tmp_path / "again.baomi")
    assert run.code == 5 and "register.baomi" in run.err
    assert not (tmp_path / "again.baomi").exists()


def test_restore_from_a_folder_that_does_not_exist_is_bad_input(baomi, tmp_path: Path) -> None:
    run = baomi("restore", tmp_path / "nothing", "--to", tmp_path / "r.baomi")
    assert run.code == 4
