"""The background warm-up of the imports while the clerk types the password (app/ui/warmup.py)."""
from __future__ import annotations

import sys
import threading

import pytest

from app.ui import warmup


@pytest.fixture
def fresh(monkeypatch):
    """A process in which no warm-up has started and no real import has begun."""
    monkeypatch.setattr(warmup, "_thread", None)
    monkeypatch.setattr(warmup, "_closed", False)
    yield
    warmup.wait()


def test_the_warm_up_imports_in_the_background_once(fresh) -> None:
    sys.modules.pop("colorsys", None)
    assert warmup.start(["colorsys"])
    assert warmup.started() and not warmup.start(["colorsys"])  # once per process
    warmup.wait()
    assert "colorsys" in sys.modules
    assert not warmup._thread.is_alive()


def test_no_warm_up_after_the_real_imports_began(fresh) -> None:
    """wait() is called before the sign-in imports the ledger: two importers never overlap."""
    warmup.wait()
    assert not warmup.start(["colorsys"])
    assert not warmup.started()


def test_wait_blocks_until_the_warm_up_is_done(fresh, monkeypatch) -> None:
    release = threading.Event()
    imported: list[str] = []

    def slow_import(name: str) -> None:
        release.wait(10)
        imported.append(name)

    monkeypatch.setattr(warmup.importlib, "import_module", slow_import)
    assert warmup.start(["a", "b"])
    waiter = threading.Thread(target=warmup.wait)
    waiter.start()
    waiter.join(0.2)
    assert waiter.is_alive()  # still importing
    release.set()
    waiter.join(10)
    assert not waiter.is_alive() and imported == ["a", "b"]


def test_a_failing_import_is_left_to_the_real_import(fresh) -> None:
    assert warmup.start(["app.no_such_module", "colorsys"])
    warmup.wait()  # no exception here: the sign-in's own import reports it
    with pytest.raises(ImportError):
        __import__("app.no_such_module")


def test_it_starts_after_the_first_paint(qtbot, fresh, monkeypatch) -> None:
    calls: list[tuple] = []
    monkeypatch.setattr(warmup, "start", lambda *a: calls.append(a) or True)
    warmup.start_after_paint(delay_ms=10)
    assert calls == []  # not during the show itself
    qtbot.waitUntil(lambda: calls == [()], timeout=2000)
