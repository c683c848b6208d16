"""The desk's database: the case store's engine and tables, plus the desk's login sessions."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from cases.database import cases_engine_from_env
from cases.database import init_db as init_case_tables

from . import models


def engine_from_env() -> Engine:
    """Engine for `CASES_DB_URL`, or `cases.db` in the data folder (`VAR_DIR`)."""
    return cases_engine_from_env()


def init_db(engine: Engine) -> None:
    """Create the case tables and the desk's own tables when missing (idempotent)."""
    init_case_tables(engine)
    models.Base.metadata.create_all(engine, tables=[model.__table__ for model in models.DESK_TABLES])
