"""procrastinate job queue

Revision ID: 6c1f0b7d2e4a
Revises: 034f8a5fc708
Create Date: 2026-11-25 19:00:00

Installs the schema of the background job queue (procrastinate 3.10.0) from the SQL file
procrastinate ships (`procrastinate/sql/schema.sql`), copied next to this migration so the
revision stays the same whatever procrastinate version is installed later. Upgrading
procrastinate means a new revision that runs the package's `sql/migrations/*.sql` files
newer than 3.10.0, in order (see `procrastinate schema --migrations-path`).
"""

from collections.abc import Sequence
from pathlib import Path

from alembic import op

revision: str = "6c1f0b7d2e4a"
down_revision: str | None = "034f8a5fc708"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA_FILE = Path(__file__).with_name("20261125_1900_procrastinate_3_10_0_schema.sql")

TABLES = [
    "procrastinate_events",
    "procrastinate_periodic_defers",
    "procrastinate_jobs",
    "procrastinate_workers",
]
TYPES = [
    "procrastinate_job_to_defer_v1",
    "procrastinate_job_event_type",
    "procrastinate_job_status",
]
DROP_ROUTINES = r"""
do $$
declare
    routine regprocedure;
begin
    for routine in
        select p.oid::regprocedure
        from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = current_schema() and p.proname like 'procrastinate\_%'
    loop
        execute 'drop routine ' || routine || ' cascade';
    end loop;
end $$;
"""


def upgrade() -> None:
    # Straight to the driver (several statements, no bind parameters); `%` in the RAISE
    # messages is escaped for psycopg's placeholder syntax, as procrastinate's own
    # `SchemaManager.apply_schema` does.
    schema = SCHEMA_FILE.read_text(encoding="utf-8").replace("%", "%%")
    op.get_bind().exec_driver_sql(schema)


def downgrade() -> None:
    for table in TABLES:
        op.execute(f"drop table if exists {table} cascade")
    op.get_bind().exec_driver_sql(DROP_ROUTINES.replace("%", "%%"))
    for name in TYPES:
        op.execute(f"drop type if exists {name}")
