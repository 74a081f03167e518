"""`baomi --self-test`: prove that this installation works, on the machine it is on.

Run after installing from the offline bundle (issue 7).  In a temporary folder it
builds a throw-away register, signs in, writes, checks the journal, renders a
page offscreen, exports a workbook and checks the shipped Chinese font, then
deletes everything.  Each step runs on its own so a failure names its step; the
last line is 自检通过 or 自检失败：<步骤>, and the exit status 0 or 1.

Hazards:
- The throw-away register uses the cheap test Argon2 parameters
  (app.crypto.kdf.TEST_PARAMS): fine for a file deleted seconds later, never
  for a real register.  The output says so.
- R50: nothing here may touch the network.  While the steps run, Python's
  socket layer refuses every Internet connection and name look-up and records
  the attempt; the step 未尝试联网 fails if any was made.
- Qt needs an application object for fonts and painting.  An existing one is
  reused (tests, or a self-test started from the app); otherwise a QApplication
  is made on the offscreen platform unless QT_QPA_PLATFORM says otherwise.
"""
from __future__ import annotations

import os
import secrets
import socket
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

SAMPLE_TEXT = "保密台账"

_ADMIN, _CLERK = "selftest-admin", "selftest-clerk"


@dataclass
class Context:
    """What the steps hand on to each other."""

    folder: Path
    register_path: Path | None = None
    clerk_password: str = ""
    reg: Any = None  # app.store.register.Register once signed in
    numbers: list[str] = field(default_factory=list)
    network_attempts: list[str] = field(default_factory=list)


class StepFailed(Exception):
    """A check inside a step did not hold; the message is the Chinese reason."""


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[Context], str]  # returns an optional detail shown after ✓
    needs: tuple[str, ...] = ()


def _password() -> str:
    # Three character classes, no user name, random so no two runs share one.
    return "Zc#" + secrets.token_hex(6) + "Q7"


# -- the steps ------------------------------------------------------------------

def step_create(ctx: Context) -> str:
    from app.crypto.kdf import TEST_PARAMS
    from app.ledger.accounts import create_register

    path = ctx.folder / "selftest.baomi"
    ctx.clerk_password = _password()
    create_register(path, unit="自检临时单位", level="秘密", admin=_ADMIN, admin_password=_password(),
                    clerk=_CLERK, clerk_password=ctx.clerk_password, kdf=TEST_PARAMS)
    ctx.register_path = path
    return "测试用低强度口令派生参数，仅用于此临时文件"


def step_sign_in(ctx: Context) -> str:
    from app.ledger.accounts import change_password, sign_in

    assert ctx.register_path is not None
    reg = sign_in(ctx.register_path, _CLERK, ctx.clerk_password, allow_password_change=True)
    ctx.reg = reg
    new = _password()
    change_password(reg, ctx.clerk_password, new)  # first sign-in must change it (R52)
    ctx.clerk_password = new
    return ""


def step_write(ctx: Context) -> str:
    from app.ledger.carriers import NewCarrier, receive
    from app.ledger.people import add_person

    add_person(ctx.reg, name="自检人员", dept="自检科室")
    ctx.numbers = receive(ctx.reg, NewCarrier(title="自检文件", level="秘密", issuer="自检单位",
                                              doc_no="自检〔1〕1号", scope=["自检人员"]))
    if not ctx.numbers:
        raise StepFailed("登记后没有得到登记号")
    return f"登记号 {ctx.numbers[0]}"


def step_verify(ctx: Context) -> str:
    from app.ledger.verify import verify

    report = verify(ctx.reg)
    if not report.ok:
        raise StepFailed("；".join(report.problems[:3]))
    if report.entries == 0:
        raise StepFailed("日志为空")
    return f"{report.entries} 条日志，检查点 {report.checkpoint}"


def step_font(ctx: Context) -> str:
    from PySide6.QtGui import QRawFont

    from app.ui import fonts

    _qt_app()
    family = fonts.register_fonts()
    files = fonts.font_files()
    for path in files:
        raw = QRawFont(str(path), 12)
        if not raw.isValid():
            raise StepFailed(f"字体文件无法读取：{path.name}")
        missing = [c for c in SAMPLE_TEXT if not raw.supportsCharacter(c)]
        if missing:
            raise StepFailed(f"字体 {path.name} 缺少字形：{''.join(missing)}")
    return f"{family}，{len(files)} 个字体文件"


def step_print(ctx: Context) -> str:
    """The 收发登记 page through the real page engine (app/io), as `baomi print` does."""
    import re

    from app.io.ledger_print import print_ledger
    from app.ui.fonts import register_fonts

    _qt_app()
    family = register_fonts()
    pdf = ctx.folder / "selftest.pdf"
    result = print_ledger(ctx.reg, "收发登记", pdf)
    if not pdf.is_file() or pdf.stat().st_size == 0:
        raise StepFailed("没有生成 PDF 文件")
    data = pdf.read_bytes()
    if not data.startswith(b"%PDF") or result.pages < 1:
        raise StepFailed("生成的文件不是有效的 PDF 页面")
    # The shipped font must be embedded (not a substitute without Chinese glyphs).
    embedded = [m.decode("ascii", "replace") for m in re.findall(rb"/BaseFont\s*/([\w+\-]+)", data)]
    wanted = family.replace(" ", "").lower()
    if b"/FontFile" not in data or not any(wanted in name.lower() for name in embedded):
        raise StepFailed(f"PDF 中没有嵌入随程序提供的字体 {family}（嵌入的是：{'、'.join(embedded) or '无'}）")
    return f"{result.pages} 页，{len(data)} 字节"


def step_export(ctx: Context) -> str:
    """This quarter's clear-out workbook (app/io/export_xlsx), read back with openpyxl."""
    from openpyxl import load_workbook

    from app.io.export_xlsx import export_quarter

    now = ctx.reg.clock.now()
    target = ctx.folder / "selftest.xlsx"
    result = export_quarter(ctx.reg, f"{now.year}Q{(now.month - 1) // 3 + 1}", target)
    back = load_workbook(target, read_only=True)
    try:
        missing = [name for name in result.counts if name not in back.sheetnames]
        found = any(ctx.numbers[0] in str(v) for ws in back.worksheets
                    for row in ws.iter_rows(values_only=True) for v in row if v is not None)
    finally:
        back.close()
    if missing:
        raise StepFailed(f"工作簿缺少工作表：{'、'.join(missing)}")
    if not found:
        raise StepFailed(f"工作簿中没有刚登记的 {ctx.numbers[0]}")
    return f"{len(result.counts)} 个工作表，{target.stat().st_size} 字节"


def step_no_network(ctx: Context) -> str:
    if ctx.network_attempts:
        raise StepFailed("程序尝试了联网：" + "；".join(ctx.network_attempts[:3]))
    return ""


STEPS: list[Step] = [
    Step("建立临时登记簿", step_create),
    Step("登录", step_sign_in, needs=("建立临时登记簿",)),
    Step("写入", step_write, needs=("登录",)),
    Step("校验日志", step_verify, needs=("写入",)),
    Step("中文字体", step_font),
    Step("打印渲染", step_print, needs=("写入", "中文字体")),
    Step("导出工作簿", step_export, needs=("写入",)),
    Step("未尝试联网", step_no_network),
]


# -- the runner -------------------------------------------------------------------

def _qt_app() -> Any:
    """The running Qt application, or a new QApplication (a widget test may follow)."""
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    app = QGuiApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0] if sys.argv else "baomi", "--self-test"])
    return app


@contextmanager
def no_network(attempts: list[str]) -> Iterator[None]:
    """Refuse (and record) every Internet connection and name look-up made from Python.

    Local sockets (AF_UNIX) stay allowed: Qt and D-Bus use them on the desktop.
    """
    saved = (socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo,
             socket.create_connection)
    internet = (socket.AF_INET, socket.AF_INET6)

    def refuse(what: str) -> OSError:
        attempts.append(what)
        return OSError(f"自检期间禁止联网（R50）：{what}")

    def connect(self: socket.socket, address: Any) -> None:
        if self.family in internet:
            raise refuse(f"连接 {address}")
        return saved[0](self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        if self.family in internet:
            raise refuse(f"连接 {address}")
        return saved[1](self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        raise refuse(f"解析域名 {host}")

    def create_connection(address: Any, *args: Any, **kwargs: Any) -> Any:
        raise refuse(f"连接 {address}")

    socket.socket.connect, socket.socket.connect_ex = connect, connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo, socket.create_connection = getaddrinfo, create_connection  # type: ignore[assignment]
    try:
        yield
    finally:
        socket.socket.connect, socket.socket.connect_ex = saved[0], saved[1]  # type: ignore[method-assign]
        socket.getaddrinfo, socket.create_connection = saved[2], saved[3]  # type: ignore[assignment]


def _reason(e: BaseException) -> str:
    from app.errors import BaomiError

    if isinstance(e, BaomiError):
        return e.message
    if isinstance(e, StepFailed):
        return str(e)
    text = str(e).strip().splitlines()[0] if str(e).strip() else ""
    return f"{type(e).__name__}: {text}" if text else type(e).__name__


def run(out: TextIO, steps: list[Step] | None = None) -> int:
    steps = STEPS if steps is None else steps
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    started = time.perf_counter()
    passed: set[str] = set()
    failed: list[str] = []
    out.write("保密台账自检：在临时文件夹中建立一次性登记簿，完成后删除。\n")
    with tempfile.TemporaryDirectory(prefix="baomi-selftest-", ignore_cleanup_errors=True) as tmp:
        ctx = Context(folder=Path(tmp))
        try:
            with no_network(ctx.network_attempts):
                for step in steps:
                    blocked = [n for n in step.needs if n not in passed]
                    if blocked:
                        line = f"✗ {step.name}：未执行（前一步「{blocked[0]}」失败）"
                    else:
                        try:
                            detail = step.run(ctx)
                        except Exception as e:  # each step isolated: report and go on
                            line = f"✗ {step.name}：{_reason(e)}"
                        else:
                            passed.add(step.name)
                            line = f"✓ {step.name}" + (f"（{detail}）" if detail else "")
                    if step.name not in passed:
                        failed.append(step.name)
                    out.write(line + "\n")
                    out.flush()
        finally:
            if ctx.reg is not None:
                try:
                    ctx.reg.close()
                except Exception:
                    pass
    out.write(f"用时 {time.perf_counter() - started:.1f} 秒\n")
    if failed:
        out.write(f"自检失败：{'、'.join(failed)}\n")
        return 1
    out.write("自检通过\n")
    return 0


def main() -> int:
    """Entry point of `baomi --self-test`."""
    stream = sys.stdout
    try:  # a Windows console may not be UTF-8: never fail on ✓ / ✗
        stream.reconfigure(errors="replace")  # type: ignore[union-attr]
    except (AttributeError, ValueError):
        pass
    return run(stream)
