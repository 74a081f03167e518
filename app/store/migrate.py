"""Schema versions: every register records its Alembic revision and is brought
up to this program's head when opened, so a register made by one release opens
in every later one."""
from __future__ import annotations

from pathlib import Path

from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from app.errors import RegisterUnusable

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).resolve().parent.parent / "models" / "migrations"
# The newest revision in models/migrations/versions.  Every open compares the
# register's revision with this constant; only a register that differs pays for
# loading Alembic (about 50 ms).  tests/store/test_migrations.py keeps it true.
HEAD = "0001"


def _config() -> Config:
    from alembic.config import Config
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory
    return ScriptDirectory.from_config(_config()).get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        try:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except OperationalError:  # a new, empty file
            return None


def is_current(engine: Engine) -> bool:
    """The register is at this program's head (a reader engine can tell)."""
    return current_revision(engine) == HEAD


def upgrade(engine: Engine) -> None:
    """Bring the register to head; refuse one made by a newer program."""
    current = current_revision(engine)
    if current == HEAD:
        return
    from alembic import command
    from alembic.script import ScriptDirectory
    script = ScriptDirectory.from_config(_config())
    if current is not None and not _known(script, current):
        raise RegisterUnusable("该登记簿由更新版本的程序创建，请升级本程序后再打开。")
    if current == script.get_current_head():
        return
    cfg = _config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def _known(script: ScriptDirectory, revision: str) -> bool:
    try:
        return script.get_revision(revision) is not None
    except Exception:  # alembic raises ResolutionError / CommandError for unknown ids
        return False
