"""Small in-place upgrades of existing case databases, run by `init_db` at every start.

`create_all` only creates missing tables; it never changes one that exists. A database made before the
`staff` role existed keeps its old CHECK on `advisors.role` and would refuse staff accounts, so this widens
that check. Widening cannot invalidate a stored row, so the upgrade is safe and keeps every id.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Optional

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from .models import ROLES, in_check

log = logging.getLogger(__name__)

ROLE_CHECK = "ck_advisors_role"
_OLD_CHECK = re.compile(ROLE_CHECK + r"\s+CHECK\s*\(\s*role\s+IN\s*\([^)]*\)\s*\)", re.IGNORECASE)


def _role_check_sql(engine: Engine) -> Optional[str]:
    """The SQL of the stored role check, or None when there is no advisors table or no such check."""
    inspector = inspect(engine)
    if not inspector.has_table("advisors"):
        return None
    for check in inspector.get_check_constraints("advisors"):
        if check.get("name") == ROLE_CHECK:
            return str(check["sqltext"])
    return None


def role_check_is_outdated(engine: Engine) -> bool:
    """Whether the advisors table refuses one of today's roles (made before the role existed)."""
    sql = _role_check_sql(engine)
    return sql is not None and any(f"'{role}'" not in sql for role in ROLES)


def upgrade(engine: Engine) -> None:
    """Bring an existing case database up to date; does nothing on a new or current one."""
    if not role_check_is_outdated(engine):
        return
    log.info("Widening the advisors role check to %s", ", ".join(ROLES))
    if engine.dialect.name == "sqlite":
        _widen_sqlite(engine)
    elif engine.dialect.name == "postgresql":
        _widen_postgresql(engine)
    else:
        raise RuntimeError(
            f"The advisors table on {engine.dialect.name} refuses the role 'staff'; "
            f"replace its check {ROLE_CHECK} by: {in_check('role', ROLES)}"
        )


def _widen_postgresql(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text(f"ALTER TABLE advisors DROP CONSTRAINT IF EXISTS {ROLE_CHECK}"))
        conn.execute(text(f"ALTER TABLE advisors ADD CONSTRAINT {ROLE_CHECK} CHECK ({in_check('role', ROLES)})"))


def _widen_sqlite(engine: Engine) -> None:
    """SQLite cannot alter a CHECK: rebuild the table as its documentation says (copy, drop, rename).

    Foreign keys are off during the swap so the cases, notes, audit entries and sessions that refer to
    advisors keep their rows; `foreign_key_check` proves nothing dangles before the commit.
    """
    raw: Any = engine.raw_connection()
    try:
        dbapi = raw.connection  # the sqlite3 connection: PRAGMA foreign_keys needs autocommit mode
        previous_isolation = dbapi.isolation_level
        dbapi.isolation_level = None
        cursor = dbapi.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys=OFF")
            cursor.execute("BEGIN IMMEDIATE")
            try:
                _rebuild_advisors(cursor)
                cursor.execute("COMMIT")
            except BaseException:
                cursor.execute("ROLLBACK")
                raise
        finally:
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()
            dbapi.isolation_level = previous_isolation
    finally:
        raw.close()


def _rebuild_advisors(cursor: Any) -> None:
    row = cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'advisors'").fetchone()
    table_sql = row[0]
    if all(f"'{role}'" in table_sql for role in ROLES):
        return  # another process upgraded it while we waited for the lock
    new_sql, replaced = _OLD_CHECK.subn(f"{ROLE_CHECK} CHECK ({in_check('role', ROLES)})", table_sql, count=1)
    if not replaced:
        raise RuntimeError(f"cannot find {ROLE_CHECK} in the advisors table: {table_sql}")
    new_sql = new_sql.replace("advisors", "advisors_upgrade", 1)
    extras = cursor.execute(
        "SELECT sql FROM sqlite_master WHERE tbl_name = 'advisors' AND type IN ('index', 'trigger') "
        "AND sql IS NOT NULL"
    ).fetchall()
    cursor.execute("DROP TABLE IF EXISTS advisors_upgrade")
    cursor.execute(new_sql)
    cursor.execute("INSERT INTO advisors_upgrade SELECT * FROM advisors")
    cursor.execute("DROP TABLE advisors")
    cursor.execute("ALTER TABLE advisors_upgrade RENAME TO advisors")
    for (sql,) in extras:
        cursor.execute(sql)
    dangling = cursor.execute("PRAGMA foreign_key_check").fetchall()
    if dangling:
        raise RuntimeError(f"upgrading advisors would leave dangling references: {dangling[:5]}")
