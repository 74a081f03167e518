"""The `baomi` command: `baomi VERB DB --user NAME ...` (in the style of keepassxc-cli).

Each verb lives in a module of this package that defines `register(sub)`;
`COMMAND_MODULES` lists them.  Every failure is one Chinese sentence on
standard error and an exit status (0 done, 1 verify found a problem, 2 wrong
user/password/locked/disabled, 3 refused by a rule, 4 bad input, 5 register
unusable); never a traceback.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from app.errors import BaomiError

COMMAND_MODULES = [
    "app.cli.admin",
    "app.cli.ledger_daily",
    "app.cli.ledger_disposal",
    "app.cli.io_cmds",
    "app.cli.ledger_queries",
]


# argparse looks its own words up through a module-level gettext `_` at call
# time; mapping them keeps `baomi --help` and its errors Chinese throughout.
_ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "expected one argument": "需要一个参数",
    "expected at least one argument": "至少需要一个参数",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的取值 %(value)r（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "无效的%(type)s值：%(value)r",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 有歧义，可能是 %(matches)s",
}
argparse._ = lambda text: _ARGPARSE_ZH.get(text, text)  # type: ignore[attr-defined]


class ChineseArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own errors are bad input: exit 4
        self.print_usage(sys.stderr)
        sys.stderr.write(f"参数有误：{message}\n")
        sys.exit(4)


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(
        prog="baomi", description="保密台账：涉密载体登记簿（离线、加密）。不带参数运行时打开图形界面。")
    sub = parser.add_subparsers(dest="verb", metavar="命令", parser_class=ChineseArgumentParser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv == ["--self-test"]:  # installation check, also in the offline bundle (issue 7)
        from app.selftest import main as self_test
        return self_test()
    if not argv or argv[0] in ("gui",):
        return _gui(argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 4
    try:
        return int(args.func(args) or 0)
    except BaomiError as e:
        sys.stderr.write(e.message + "\n")
        return e.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("已取消，未做任何更改。\n")
        return 4
    except Exception as e:  # last resort: one sentence, never a traceback
        from app.cli.common import unexpected
        return unexpected(e)


def _gui(argv: list[str]) -> int:
    if not _has_display():
        # Qt would abort with an English plugin error; say it plainly instead.
        sys.stderr.write("没有可用的图形显示（未设置 DISPLAY），无法打开桌面程序；可使用以下命令行功能。\n")
        build_parser().print_help()
        return 5
    from app.ui.main import run_app  # the desktop app
    return run_app(argv)


def _has_display() -> bool:
    import os
    if sys.platform != "linux" or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


if __name__ == "__main__":
    sys.exit(main())
