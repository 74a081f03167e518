"""PySide6 6.12.0 on Python 3.11 drops a reference to None on every call that returns
nothing; after about 5,000 such calls the interpreter aborts with "Fatal Python error:
none_dealloc".  baomi requires Python >= 3.12, whose None is immortal.  This keeps a
desktop session's worth of void calls honest in a subprocess (an abort cannot be caught
in-process)."""
from __future__ import annotations

import os
import subprocess
import sys

CALLS = 20_000
SCRIPT = f"""
import sys
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel()
before = sys.getrefcount(None)
for i in range({CALLS}):
    label.setText(str(i))  # returns nothing: the call that leaked on 3.11
after = sys.getrefcount(None)
print(before, after, "done", flush=True)
"""


def test_python_is_at_least_3_12_because_pyside6_6_12_leaks_none_on_3_11() -> None:
    assert sys.version_info >= (3, 12), (
        "PySide6 6.12.0 on Python 3.11 leaks a reference to None per void call and aborts "
        "(none_dealloc); pyproject.toml requires Python >= 3.12")


def test_twenty_thousand_void_pyside_calls_exit_cleanly() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                          env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "none_dealloc" not in proc.stderr
    before, after, done = proc.stdout.split()[-3:]
    assert done == "done"
    # Immortal None (3.12+): the count does not fall with each call.
    assert int(after) >= int(before) - 100, (before, after)
