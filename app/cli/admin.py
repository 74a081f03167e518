"""Administration verbs: init, verify, checkpoint, passwd, recover, users, backup, restore.

Each verb reads its passwords through `PasswordSource` (terminal without echo,
or one stdin line each with --password-stdin, in the order the help states)
and calls one function of `app.ledger`; no rule and no SQL lives here.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from pathlib import Path

from app.cli import common
from app.cli.common import PasswordSource, add_db, print_json, say, table
from app.errors import BadInput
from app.ledger import accounts
from app.ledger import backup as backups
from app.ledger import verify as verifying
from app.ledger.settings import LEVELS
from app.models.accounts import ROLE_ADMIN
from app.store.register import Register


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help="建立新的登记簿（依次读取管理员口令、保密员口令）")
    add_db(p, user=False)
    p.add_argument("--unit", required=True, help="单位名称")
    p.add_argument("--level", required=True, choices=LEVELS, help="登记簿密级")
    p.add_argument("--admin", required=True, help="系统管理员的用户名")
    p.add_argument("--clerk", help="保密员的用户名（首次登录须修改口令）")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("verify", help="校验日志哈希链并与各表核对（检查人员、保密员）")
    add_db(p)
    p.add_argument("--checkpoint", metavar="SEQ:HASH12", help="须经过的检查点（此前打印的）")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("checkpoint", help="显示当前日志检查点 SEQ:HASH12")
    add_db(p)
    p.set_defaults(func=cmd_checkpoint)

    p = sub.add_parser("recovery-code", help="更换恢复码（系统管理员）：旧恢复码立即失效，新恢复码只显示一次")
    add_db(p)
    p.set_defaults(func=cmd_recovery_code)

    p = sub.add_parser("passwd", help="修改本账户口令（先读原口令，再读新口令）")
    add_db(p)
    p.set_defaults(func=cmd_passwd)

    p = sub.add_parser("recover", help="用恢复码重置某账户口令（先读恢复码，再读新口令）")
    add_db(p)
    p.set_defaults(func=cmd_recover)

    _register_users(sub)

    p = sub.add_parser("backup", help="把登记簿备份到一个新文件夹（加密副本与校验清单）")
    add_db(p)
    p.add_argument("--to", required=True, metavar="DIR", help="备份文件夹（须不存在或为空）")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="从备份文件夹恢复为新的登记簿（不覆盖已有文件）")
    p.add_argument("dir", metavar="DIR", help="备份文件夹")
    p.add_argument("--to", required=True, metavar="DB", help="恢复成的登记簿文件（须不存在）")
    p.set_defaults(func=cmd_restore)


def _register_users(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("users", help="账户管理（系统管理员）：add | disable | reset | unlock | list")
    add_db(p)
    actions = p.add_subparsers(dest="action", metavar="操作", required=True,
                               parser_class=type(p))

    def action(name: str, help_: str) -> argparse.ArgumentParser:
        a = actions.add_parser(name, help=help_)
        # Also accepted after the action; SUPPRESS keeps the value given before it.
        a.add_argument("--password-stdin", action="store_true", default=argparse.SUPPRESS,
                       help=argparse.SUPPRESS)
        return a

    a = action("add", "新建账户（先读管理员口令，再读新账户的初始口令）")
    a.add_argument("name", metavar="NAME")
    a.add_argument("--role", required=True, help="角色，多个用逗号分隔：系统管理员、保密员、领导、检查人员")
    a.add_argument("--display-name", default="", help="姓名")
    a.set_defaults(func=cmd_users_add)
    a = action("disable", "停用账户")
    a.add_argument("name", metavar="NAME")
    a.set_defaults(func=cmd_users_disable)
    a = action("reset", "重置口令（先读管理员口令，再读临时口令；对方登录时须修改）")
    a.add_argument("name", metavar="NAME")
    a.set_defaults(func=cmd_users_reset)
    a = action("unlock", "解除因口令错误造成的锁定")
    a.add_argument("name", metavar="NAME")
    a.set_defaults(func=cmd_users_unlock)
    a = action("list", "列出全部账户")
    a.add_argument("--json", action="store_true", help="以 JSON 输出")
    a.set_defaults(func=cmd_users_list)


# -- set-up -----------------------------------------------------------------------

def cmd_init(args: argparse.Namespace) -> int:
    pw = PasswordSource(args.password_stdin)
    path = Path(args.db)
    if path.exists():  # before asking for passwords; create_register checks again
        raise BadInput(f"文件 {path} 已存在，不会覆盖已有的登记簿。")
    admin_pw = pw.read(f"系统管理员 {args.admin} 的口令：", confirm=True)
    clerk_pw = pw.read(f"保密员 {args.clerk} 的初始口令：", confirm=True) if args.clerk else None
    say("正在按本机性能设定密钥派生参数（约需数秒）……")
    code = accounts.create_register(path, unit=args.unit, level=args.level, admin=args.admin,
                                    admin_password=admin_pw, clerk=args.clerk,
                                    clerk_password=clerk_pw, clock=common.clock())
    say(f"已建立登记簿 {path}（{args.level}）。")
    say("以下恢复码只显示这一次：请打印或抄写，密封后存放于保密柜。")
    sys.stdout.write(code + "\n")
    return 0


# -- journal ----------------------------------------------------------------------

def cmd_verify(args: argparse.Namespace) -> int:
    if args.checkpoint:
        verifying.parse_checkpoint(args.checkpoint)  # a bad format is bad input, before any password
    reg, _ = common.sign_in(args)
    with reg:
        verifying.require_reviewer(reg)
        report = verifying.verify(reg, args.checkpoint)
    out = sys.stdout
    out.write(f"日志条目：{report.entries}\n当前检查点：{report.checkpoint}\n")
    if report.ok:
        out.write("校验通过：日志哈希链完整，各表与日志一致。\n")
        return 0
    out.write(f"发现 {len(report.problems)} 个问题：\n")
    for problem in report.problems:
        out.write(f"  - {problem}\n")
    say(f"校验未通过：发现 {len(report.problems)} 个问题。")
    return 1


def cmd_checkpoint(args: argparse.Namespace) -> int:
    reg, _ = common.sign_in(args)
    with reg:
        sys.stdout.write(verifying.checkpoint(reg) + "\n")
    return 0


def cmd_recovery_code(args: argparse.Namespace) -> int:
    reg, _ = common.sign_in(args)
    with reg:
        code = accounts.replace_recovery_code(reg)
    sys.stderr.write("旧恢复码已失效。请立即打印下面的新恢复码，装入信封密封，存放于保密柜。\n")
    sys.stdout.write(code + "\n")
    return 0


# -- passwords --------------------------------------------------------------------

def cmd_passwd(args: argparse.Namespace) -> int:
    reg, pw, old = _sign_in_keeping_password(args)
    with reg:
        new = pw.read("新口令：", confirm=True)
        accounts.change_password(reg, old, new)
    say("口令已修改。")
    return 0


def cmd_recover(args: argparse.Namespace) -> int:
    pw = PasswordSource(args.password_stdin)
    code = pw.read("恢复码：")
    new = pw.read(f"{args.user} 的新口令：", confirm=True)
    accounts.recover(Path(args.db), args.user, code, new, clock=common.clock())
    say(f"已用恢复码重置账户 {args.user} 的口令。")
    return 0


# -- accounts ---------------------------------------------------------------------

def cmd_users_add(args: argparse.Namespace) -> int:
    reg, pw = common.sign_in(args)
    with reg:
        accounts.require_role(reg, ROLE_ADMIN)
        initial = pw.read(f"{args.name} 的初始口令：", confirm=True)
        accounts.add_account(reg, args.name, args.role, initial, display_name=args.display_name)
    say(f"已新建账户 {args.name}；首次登录时须修改初始口令。")
    return 0


def cmd_users_disable(args: argparse.Namespace) -> int:
    reg, _ = common.sign_in(args)
    with reg:
        accounts.disable_account(reg, args.name)
    say(f"已停用账户 {args.name}。")
    return 0


def cmd_users_reset(args: argparse.Namespace) -> int:
    reg, pw = common.sign_in(args)
    with reg:
        accounts.require_role(reg, ROLE_ADMIN)
        temporary = pw.read(f"{args.name} 的临时口令：", confirm=True)
        accounts.reset_password(reg, args.name, temporary)
    say(f"已重置账户 {args.name} 的口令；其登录时须修改。")
    return 0


def cmd_users_unlock(args: argparse.Namespace) -> int:
    reg, _ = common.sign_in(args)
    with reg:
        accounts.unlock_account(reg, args.name)
    say(f"已解锁账户 {args.name}。")
    return 0


def cmd_users_list(args: argparse.Namespace) -> int:
    reg, _ = common.sign_in(args)
    with reg:
        infos = accounts.list_accounts(reg)
    if args.json:
        print_json([asdict(i) for i in infos])
        return 0
    head = ["用户名", "姓名", "角色", "状态", "须改口令", "口令修改时间", "最近登录"]
    rows = [[i.username, i.display_name, "、".join(i.roles), _state(i), i.must_change or "-",
             f"{i.password_changed_at:%Y-%m-%d %H:%M}",
             f"{i.last_login_at:%Y-%m-%d %H:%M}" if i.last_login_at else "-"] for i in infos]
    sys.stdout.write(table(head, rows))
    return 0


def _state(info: accounts.AccountInfo) -> str:
    if info.disabled:
        return "已停用"
    if info.locked_minutes:
        return f"锁定（余 {info.locked_minutes} 分钟）"
    return "正常"


# -- backup -----------------------------------------------------------------------

def cmd_backup(args: argparse.Namespace) -> int:
    reg, _ = common.sign_in(args)
    with reg:
        result = backups.backup(reg, Path(args.to))
    say(f"已备份到 {result.folder}，检查点 {result.checkpoint}。"
         "备份介质本身是涉密载体，请登记并妥善保管（R55）。")
    sys.stdout.write(result.checkpoint + "\n")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    manifest = backups.restore(Path(args.dir), Path(args.to))
    say(f"已恢复为登记簿 {args.to}（备份时间 {manifest['created_at']}，检查点 {manifest['checkpoint']}）。"
         "请用原账户口令登录并执行 baomi verify。")
    return 0


# -- signing in -------------------------------------------------------------------

def _sign_in_keeping_password(args: argparse.Namespace) -> tuple[Register, PasswordSource, str]:
    """Like `common.sign_in`, also returning the password typed: passwd needs the old one,
    and a change forced by expiry, first login or reset is allowed through (R51)."""
    pw = PasswordSource(args.password_stdin)
    password = pw.read(f"{args.user} 的原口令：")
    reg = accounts.sign_in(Path(args.db), args.user, password, clock=common.clock(),
                           allow_password_change=True)
    for notice in reg.sign_in_info.get("notices") or []:
        say(notice)
    return reg, pw, password
