"""Figure 2: start to sign-in window, offscreen — `baomi` until the sign-in dialog is
shown, against a bare PySide6 QApplication showing one QLabel (target <= 2x).

Whole processes, started in turn (A B B A ...), timed from spawn until the process has
exited (its interpreter start and teardown included), as a clerk waits for the window.
The time until the window is exposed is reported too (informational).  Each run gets a
private XDG_CONFIG_HOME and XDG_RUNTIME_DIR, so neither the user's settings nor a
running copy of the app (the single-instance lock) is touched.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (PYTHON, emit, figure, log, offscreen_env, run_process)  # noqa: E402
from bench.registers import ensure_calibrated  # noqa: E402

START = Path(__file__).resolve().parent / "start"


def shown_after(output: str, spawned: float) -> float:
    for line in output.splitlines():
        if line.startswith("SHOWN "):
            return float(line.split()[1]) - spawned
    raise RuntimeError(f"no SHOWN line in:\n{output[-2000:]}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=9)
    args = ap.parse_args()

    db = ensure_calibrated(log=log)
    private = Path(tempfile.mkdtemp(prefix="bench_start_"))
    env = offscreen_env()
    env["XDG_CONFIG_HOME"] = str(private / "config")
    env["XDG_RUNTIME_DIR"] = str(private / "run")
    (private / "run").mkdir(mode=0o700)
    r = run_process([PYTHON, str(START / "set_register_path.py"), str(db)], env=env)
    assert r.returncode == 0, r.output

    product = [PYTHON, str(START / "gui_signin.py")]
    baseline = [PYTHON, str(START / "bare_label.py")]
    for argv in (product, baseline):  # warm-up: the OS file cache, .pyc files
        w = run_process(argv, env=env)
        if w.returncode != 0:
            raise RuntimeError(f"{argv[-1]} failed:\n{w.output[-3000:]}")
    walls: dict[str, list[float]] = {"a": [], "b": []}
    cpus: dict[str, list[float]] = {"a": [], "b": []}
    shown: dict[str, list[float]] = {"a": [], "b": []}
    for i in range(args.runs):
        order = (("a", product), ("b", baseline)) if i % 2 == 0 else (("b", baseline), ("a", product))
        for side, argv in order:
            spawned = time.monotonic()
            run = run_process(argv, env=env)
            if run.returncode != 0:
                raise RuntimeError(f"{argv[-1]} failed ({run.returncode}):\n{run.output[-3000:]}")
            walls[side].append(run.wall)
            cpus[side].append(run.cpu)
            shown[side].append(shown_after(run.output, spawned))
    emit(figure("2", "start → sign-in window (offscreen, whole process)", walls["a"], walls["b"], 2.0,
                note="process spawn to exit; bare baseline: QApplication + one QLabel"))
    emit(figure("2i", "  the same, spawn until the window is exposed", shown["a"], shown["b"], 2.0,
                informational=True))
    emit(figure("2c", "  the same, CPU time (user + system) of the whole process", cpus["a"], cpus["b"],
                2.0, informational=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
