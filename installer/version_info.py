"""VERSION.txt of a built bundle: what was built, from what, when, and where it runs.

    python installer/version_info.py installer/dist/baomi          -> the text of VERSION.txt
    python installer/version_info.py installer/dist/baomi version  -> 0.1.0
    python installer/version_info.py installer/dist/baomi glibc    -> 2.36 (Linux)

Run with the build environment's Python (installer/.venv-build), from the repository
root, on Linux (installer/build) and Windows (installer/windows/build.cmd) alike.
Reads git only (rev-parse, status); changes nothing.
"""
from __future__ import annotations

import platform
import re
import subprocess
import sys
import tomllib
from datetime import datetime, timezone
from pathlib import Path


def project_version() -> str:
    with open("pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["version"]


def glibc_min(bundle: Path) -> str:
    """The newest glibc symbol version any ELF file of the bundle needs."""
    best = (2, 17)
    for p in bundle.rglob("*"):
        if not p.is_file() or p.is_symlink():
            continue
        with open(p, "rb") as f:
            if f.read(4) != b"\x7fELF":
                continue
        for m in re.finditer(rb"GLIBC_(\d+)\.(\d+)", p.read_bytes()):
            best = max(best, (int(m.group(1)), int(m.group(2))))
    return f"{best[0]}.{best[1]}"


def git_commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", "--no-optional-locks", *args], capture_output=True,
                              text=True, check=True).stdout.strip()
    try:
        commit = git("rev-parse", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.CalledProcessError):
        return "未知（不是 git 工作区）"
    return commit + ("（工作区有未提交的改动）" if dirty else "")


def text(bundle: Path) -> str:
    import PyInstaller
    import PySide6
    import sqlcipher3
    from PySide6 import QtCore

    con = sqlcipher3.connect(":memory:")
    cipher = str((con.execute("PRAGMA cipher_version").fetchone() or ["?"])[0]).split()[0]
    con.close()
    lines = [
        "名称：baomi（保密台账）",
        f"版本：{project_version()}",
        f"构建时间（UTC）：{datetime.now(timezone.utc):%Y-%m-%dT%H:%M:%SZ}",
        f"Git 提交：{git_commit()}",
        f"平台：{platform.system()} {platform.machine()}",
        f"Python：{platform.python_version()}",
        f"Qt：{QtCore.qVersion()}（PySide6 {PySide6.__version__}）",
        f"SQLCipher：{cipher}",
        f"PyInstaller：{PyInstaller.__version__}",
    ]
    if sys.platform.startswith("linux"):
        lines.append(f"最低 glibc：{glibc_min(bundle)}（目标系统的 glibc 须不低于此版本：ldd --version 查看）")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    bundle = Path(argv[0])
    field = argv[1] if len(argv) > 1 else ""
    if field == "version":
        print(project_version())
    elif field == "glibc":
        print(glibc_min(bundle))
    else:
        sys.stdout.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
        sys.stdout.write(text(bundle))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
