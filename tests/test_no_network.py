"""R50: the program never opens a network connection, and carries no code that could."""
from __future__ import annotations

import ast
import socket
import sys
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1] / "app"
NETWORK_MODULES = {"socket", "ssl", "urllib", "http", "requests", "httpx", "aiohttp", "ftplib",
                   "smtplib", "telnetlib", "xmlrpc", "PySide6.QtNetwork", "PySide6.QtWebEngineCore"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


def test_no_module_of_the_app_imports_network_code_R50() -> None:
    offenders = {}
    for path in APP.rglob("*.py"):
        if path.name == "selftest.py":  # it imports socket to *block* it (the R50 guard)
            continue
        bad = {n for n in _imports(path)
               if n in NETWORK_MODULES or n.split(".")[0] in NETWORK_MODULES
               or any(n.startswith(m + ".") for m in NETWORK_MODULES)}
        if bad:
            offenders[str(path.relative_to(APP))] = sorted(bad)
    assert offenders == {}


@pytest.fixture
def no_sockets(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    attempts: list[tuple] = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network is forbidden in the 保密室 (R50)")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


def test_a_working_day_opens_no_socket_R50(no_sockets, clerk_reg, people, clock) -> None:
    from app.ledger import loans, verify
    from app.ledger.carriers import NewCarrier, receive

    number = receive(clerk_reg, NewCarrier(title="网络隔离测试文件", level="秘密", issuer="市保密局"))[0]
    loans.lend(clerk_reg, number, borrower="张三", approver="李处长")
    clock.advance(hours=2)
    loans.return_(clerk_reg, number, returned_by="张三")
    assert verify.verify(clerk_reg).ok
    assert no_sockets == []
    assert "PySide6.QtNetwork" not in sys.modules
