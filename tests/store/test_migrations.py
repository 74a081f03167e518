"""Schema versions: the frozen migrations build exactly the models, and a register made
by an earlier release opens (and verifies) in this one."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlcipher3.dbapi2 as sqlcipher
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from app.errors import RegisterUnusable
from app.ledger import accounts, verify
from app.models import Base
from app.store import migrate

DATA = Path(__file__).resolve().parents[1] / "data"


def test_migrations_build_exactly_the_models(clerk_reg) -> None:
    with clerk_reg.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    # The FTS5 table and its shadow tables are made by raw SQL, not by models.
    diff = [d for d in diff if not (d[0] == "remove_table" and d[1].name.startswith("carriers_fts"))]
    assert diff == []
    assert migrate.current_revision(clerk_reg.engine) == migrate.head_revision()


@pytest.mark.parametrize("release", sorted(p.name[len("register-"):-len(".baomi")]
                                           for p in DATA.glob("register-*.baomi")))
def test_register_of_an_earlier_release_opens_and_verifies(release: str, tmp_path: Path,
                                                           clock) -> None:
    src = DATA / f"register-{release}.baomi"
    db = tmp_path / src.name
    shutil.copy2(src, db)
    shutil.copy2(str(src) + ".keys", str(db) + ".keys")
    reg = accounts.sign_in(db, "clerk", "Baomi#2026ab", clock=clock)
    with reg:
        assert migrate.current_revision(reg.engine) == migrate.head_revision()
        report = verify.verify(reg)
        assert report.ok, report.problems
        assert report.entries > 10


def test_register_from_a_newer_program_is_refused(register_path: Path, clerk_reg, clock) -> None:
    key = clerk_reg.data_key
    clerk_reg.close()
    con = sqlcipher.connect(str(register_path))
    con.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    con.execute("UPDATE alembic_version SET version_num = '9999_future'")
    con.commit()
    con.close()
    with pytest.raises(RegisterUnusable, match="更新版本"):
        accounts.sign_in(register_path, "clerk", "Baomi#2026ab", clock=clock)


def test_head_constant_is_the_newest_migration() -> None:
    """Opening compares with migrate.HEAD without loading Alembic; it must be the real head."""
    assert migrate.HEAD == migrate.head_revision()
