"""`baomi --self-test` (issue 7): the check an installer runs on the isolated machine."""
from __future__ import annotations

import socket

import pytest

import app.selftest as selftest
from app.cli import main

STEP_NAMES = ["建立临时登记簿", "登录", "写入", "校验日志", "中文字体", "打印渲染", "导出工作簿",
              "未尝试联网"]


def _lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return capsys.readouterr().out.strip().splitlines()


def test_self_test_passes_and_reports_every_step(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--self-test"]) == 0
    lines = _lines(capsys)
    for name in STEP_NAMES:
        assert any(line == f"✓ {name}" or line.startswith(f"✓ {name}（") for line in lines), name
    assert not any(line.startswith("✗") for line in lines)
    assert "低强度" in "\n".join(lines)  # the throw-away register says its KDF is the cheap one
    assert lines[-1] == "自检通过"


def test_a_failing_step_is_named_and_the_others_still_run(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(ctx: selftest.Context) -> str:
        raise OSError("磁盘已满")

    steps = [s if s.name != "导出工作簿" else selftest.Step(s.name, broken) for s in selftest.STEPS]
    monkeypatch.setattr(selftest, "STEPS", steps)
    assert main(["--self-test"]) == 1
    lines = _lines(capsys)
    assert "✗ 导出工作簿：OSError: 磁盘已满" in lines
    assert any(line.startswith("✓ 校验日志") for line in lines)
    assert lines[-1] == "自检失败：导出工作簿"


def test_a_step_that_depends_on_a_failed_one_is_not_run(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(ctx: selftest.Context) -> str:
        raise selftest.StepFailed("口令错误")

    steps = [s if s.name != "登录" else selftest.Step(s.name, broken, s.needs) for s in selftest.STEPS]
    monkeypatch.setattr(selftest, "STEPS", steps)
    assert main(["--self-test"]) == 1
    lines = _lines(capsys)
    assert "✗ 登录：口令错误" in lines
    assert "✗ 写入：未执行（前一步「登录」失败）" in lines
    assert any(line.startswith("✓ 中文字体") for line in lines)
    assert "✗ 打印渲染：未执行（前一步「写入」失败）" in lines
    assert lines[-1] == "自检失败：登录、写入、校验日志、打印渲染、导出工作簿"


def test_a_connection_attempt_is_refused_and_fails_the_test(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """R50: the guard refuses before anything is sent (loopback here, to be safe anyway)."""
    def phones_home(ctx: selftest.Context) -> str:
        try:
            socket.create_connection(("127.0.0.1", 9), timeout=0.1)
        except OSError:
            pass
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.connect(("127.0.0.1", 9))
            except OSError:
                pass
        return ""

    steps = [selftest.Step("写入", phones_home), selftest.STEPS[-1]]
    monkeypatch.setattr(selftest, "STEPS", steps)
    assert main(["--self-test"]) == 1
    lines = _lines(capsys)
    assert any(line.startswith("✗ 未尝试联网：程序尝试了联网：连接 ('127.0.0.1', 9)") for line in lines)
    assert lines[-1] == "自检失败：未尝试联网"
    # the guard is lifted afterwards
    assert socket.create_connection is not None and socket.getaddrinfo.__module__ == "socket"
