"""What every verb shares: the register argument, reading passwords, signing in, output."""
from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import traceback
import unicodedata
from datetime import date, datetime
from pathlib import Path
from typing import Any

from app.clock import Clock, SystemClock
from app.errors import BadInput
from app.store.register import Register


def add_db(p: argparse.ArgumentParser, *, user: bool = True) -> None:
    p.add_argument("db", metavar="DB", help="登记簿文件")
    if user:
        p.add_argument("--user", "-u", required=True, help="以哪个账户操作")
    p.add_argument("--password-stdin", action="store_true",
                   help="从标准输入逐行读取口令（先本账户口令，再新口令）")


class PasswordSource:
    """Passwords come from the terminal without echo, or one line each from stdin.

    Never from arguments or the environment (R52).
    """

    def __init__(self, from_stdin: bool) -> None:
        self.from_stdin = from_stdin

    def read(self, prompt: str, *, confirm: bool = False) -> str:
        if self.from_stdin:
            line = sys.stdin.readline()
            if not line:
                raise BadInput(f"标准输入中缺少{prompt.rstrip('：: ')}。")
            return line.rstrip("\r\n")
        if not sys.stdin.isatty():
            raise BadInput("无法从终端读取口令；请使用 --password-stdin 从标准输入提供口令。")
        first = getpass.getpass(prompt, stream=sys.stderr)
        if confirm and getpass.getpass("再次输入确认：", stream=sys.stderr) != first:
            raise BadInput("两次输入的口令不一致。")
        return first


def clock() -> Clock:
    """The system clock.  Tests run `main()` in-process and replace this function;
    there is deliberately no environment variable that could fake the time."""
    return SystemClock()


def sign_in(args: argparse.Namespace, *, allow_password_change: bool = False) -> tuple[Register, PasswordSource]:
    from app.ledger.accounts import sign_in as _sign_in
    pw = PasswordSource(args.password_stdin)
    password = pw.read(f"{args.user} 的口令：")
    reg = _sign_in(Path(args.db), args.user, password, clock=clock(),
                   allow_password_change=allow_password_change)
    for notice in reg.sign_in_info.get("notices") or []:
        sys.stderr.write(notice + "\n")
    days = reg.sign_in_info.get("expires_in_days")
    if days:
        sys.stderr.write(f"提示：口令还有 {days} 天到期，请及时修改。\n")
    return reg, pw


def parse_time(text: str | None, what: str = "时间") -> datetime | None:
    """Accepts 2026-11-26, 2026-11-26 14:30, 2026-11-26T14:30:00."""
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text.strip().replace("/", "-"))
    except ValueError:
        raise BadInput(f"{what}「{text}」不是有效的日期时间，应如 2026-11-26 14:30。") from None


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n")


def unexpected(e: BaseException) -> int:
    """An error no layer anticipated: one sentence for the user.

    The trace is not written to disk (it may quote classified values in
    plaintext); BAOMI_DEBUG=1 prints it for a developer.
    """
    if os.environ.get("BAOMI_DEBUG"):
        traceback.print_exception(e)
    sys.stderr.write(f"发生了意外错误（{type(e).__name__}），操作未完成，已保存的内容未受影响。\n")
    return 5


def add_at(p: argparse.ArgumentParser) -> None:
    """Every movement may be entered after the fact (补登记)."""
    p.add_argument("--at", metavar="DATETIME", help="实际发生时间（补登记），如 2026-11-26 14:30")


def parse_date(text: str | None, what: str) -> date | None:
    when = parse_time(text, what)
    return when.date() if isinstance(when, datetime) else None


def say(text: str) -> None:
    """A message for the person (standard error); data goes to standard output."""
    sys.stderr.write(text + "\n")


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table(head: list[str], rows: list[list[str]]) -> str:
    """Columns padded by display width, so Chinese text lines up in a terminal."""
    widths = [max(display_width(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = ["  ".join(cell + " " * (w - display_width(cell)) for cell, w in zip(r, widths)).rstrip()
             for r in [head, *rows]]
    return "\n".join(lines) + "\n"
