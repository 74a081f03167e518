"""The registers the benchmarks run on, built once and cached in bench/.cache/ (gitignored).

    PYTHONPATH=. python bench/registers.py 1000000      # build (or find) one size
    PYTHONPATH=. python bench/registers.py calibrated

Demo registers are `baomi-demo-{N}.baomi`, made by the product's own command,
`baomi demo DB --carriers N --fast-kdf` (app/cli/ledger_queries.py: events from 2023 up
to the moment of the build, the demo accounts and passwords of DEMO_ACCOUNTS, a cheap key
derivation).  `calibrated.baomi` is a small register whose keyslots carry this machine's
real, calibrated Argon2id cost (figure 1); it has the accounts below.

Hazard: a build takes about 7 to 20 minutes at 1,000,000 carriers (machine load).  It writes into
bench/.cache/wip/ and is renamed into place when complete, under a lock file, so an
interrupted build leaves nothing under the final name and two runners never build the
same size at once.  bench/bench_export.py keeps its own `demo{N}.baomi` registers.
"""
from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
WIP = CACHE / "wip"  # registers being built; renamed into CACHE when complete
UNIT = "某市保密局机关"
CLERK = "clerk"
# calibrated.baomi's accounts (made here, not by `baomi demo`).
ADMIN, ADMIN_PW = "admin", "Guanli#2026a"
CLERK_PW = "Baomi#2026ab"
FIRST_PW = "Chushi#2026a"


def demo_path(carriers: int) -> Path:
    return CACHE / f"baomi-demo-{carriers}.baomi"


def keys_of(db: Path) -> Path:
    return Path(str(db) + ".keys")


def clerk_password(db: Path) -> str:
    """The clerk's password: the demo's (DEMO_ACCOUNTS) for `baomi demo` registers."""
    if db.name.startswith("baomi-demo-"):
        from app.cli.ledger_queries import DEMO_ACCOUNTS
        return next(pw for _, user, pw in DEMO_ACCOUNTS if user == CLERK)
    return CLERK_PW


@contextmanager
def _build_lock(name: str):
    WIP.mkdir(parents=True, exist_ok=True)
    with open(WIP / f".{name}.buildlock", "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        yield


def _publish(tmp: Path, db: Path) -> None:
    os.replace(keys_of(tmp), keys_of(db))
    os.replace(tmp, db)
    for suffix in (".lock", "-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)


def ensure_demo(carriers: int, *, log=print) -> Path:
    """The cached `baomi demo` register of `carriers` carriers (built when missing)."""
    db = demo_path(carriers)
    if db.exists() and keys_of(db).exists():
        return db
    with _build_lock(f"demo{carriers}"):
        if db.exists() and keys_of(db).exists():
            return db
        tmp = WIP / db.name
        for p in (tmp, keys_of(tmp), Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm")):
            p.unlink(missing_ok=True)
        log(f"building {db.name} with `baomi demo {tmp.name} --carriers {carriers} --fast-kdf` "
            f"(once; about 10 minutes at 1,000,000) ...")
        t = time.perf_counter()
        env = dict(os.environ)
        env["PYTHONPATH"] = str(HERE.parent) + (os.pathsep + env["PYTHONPATH"]
                                                if env.get("PYTHONPATH") else "")
        proc = subprocess.Popen(
            [sys.executable, "-c", "import sys; from app.cli import main; sys.exit(main(sys.argv[1:]))",
             "demo", str(tmp), "--carriers", str(carriers), "--fast-kdf"],
            cwd=HERE.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        last = 0.0
        for line in proc.stdout:
            if "已生成" in line and "/" in line and time.perf_counter() - last < 30:
                continue  # progress: one line every 30 s is enough
            last = time.perf_counter()
            log("  " + line.rstrip())
        if proc.wait() != 0:
            raise RuntimeError(f"baomi demo failed (exit {proc.returncode})")
        _publish(tmp, db)
        log(f"built {db.name} in {time.perf_counter() - t:.0f} s")
    return db


def ensure_calibrated(*, log=print, again: bool = False) -> Path:
    """A small register whose slots use this machine's real Argon2id calibration
    (`again`: calibrate anew and replace it)."""
    db = CACHE / "calibrated.baomi"
    if db.exists() and keys_of(db).exists() and not again:
        return db
    with _build_lock("calibrated"):
        if db.exists() and keys_of(db).exists() and not again:
            return db
        from app.clock import SystemClock
        from app.crypto.kdf import calibrate
        from app.ledger import accounts, settings
        tmp = WIP / "calibrated.baomi"
        for p in (tmp, keys_of(tmp)):
            p.unlink(missing_ok=True)
        kdf = calibrate()
        log(f"calibrated Argon2id: {kdf}")
        clock = SystemClock()
        accounts.create_register(tmp, unit=UNIT, level="机密", admin=ADMIN, admin_password=ADMIN_PW,
                                 clerk=CLERK, clerk_password=FIRST_PW, clock=clock, kdf=kdf)
        reg = accounts.sign_in(tmp, CLERK, FIRST_PW, clock=clock, allow_password_change=True)
        accounts.change_password(reg, FIRST_PW, CLERK_PW)
        with reg.operation("设置") as s:
            settings.put(s, "unit_name", UNIT)
        reg.close()
        _publish(tmp, db)
    return db


def sign_in(db: Path, *, clock=None):
    from app.clock import SystemClock
    from app.ledger import accounts
    return accounts.sign_in(db, CLERK, clerk_password(db), clock=clock or SystemClock())


def data_key(db: Path) -> bytes:
    """The register's data key, unwrapped from the clerk's slot (for the raw baselines)."""
    from app.crypto.keyslots import KeyslotFile
    keyfile = KeyslotFile.load(keys_of(db))
    key = keyfile.unwrap(keyfile.find(CLERK), clerk_password(db))
    assert key is not None, f"cannot unwrap the data key of {db}"
    return key


def raw_connect(db: Path, key: bytes, *, synchronous: str | None = None):
    """A bare sqlcipher3 connection keyed with the raw data key (the baselines' floor)."""
    import sqlcipher3.dbapi2 as sqlcipher
    con = sqlcipher.connect(str(db), isolation_level=None, check_same_thread=False)
    con.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    if synchronous:
        con.execute(f"PRAGMA synchronous = {synchronous}")
    return con


def now() -> datetime:
    """The benchmarks' clock: the real one (a `baomi demo` register ends at its build)."""
    return datetime.now()


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    for arg in sys.argv[1:]:
        if arg == "calibrated":
            print(ensure_calibrated())
        else:
            print(ensure_demo(int(arg)))
