"""stage funnel rollups

Two running totals of the stage stays, kept by triggers on deal_stage_stay (see
backend/models/stage_funnel.py): first visits by the stages reached afterwards, and
completed stays by length bucket. The funnel over a whole history then reads a few hundred
rows instead of every stay; a period's funnel reads the stays entered in it by a new index
on their entry time. Writers only ever add signed rows (no row is updated, so
concurrent stage changes never wait on each other); `compact_stage_funnel` folds them.

Revision ID: c6b5f4e3d276
Revises: b5a4e3d2c165
Create Date: 2026-11-26 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "c6b5f4e3d276"
down_revision: str | None = "b5a4e3d2c165"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Lower bounds of the stay-length buckets, in days: 0, then from one hour up, each 15% above
# the last (about 10 years at the top). Literal values so the bucket of a stay (width_bucket)
# and the lower bound a query seeks from are the very same float8 numbers.
BOUNDS = [0.0] + [round(1.15**n / 24, 6) for n in range(83)]
BOUNDS_FUNCTION = f"""
create function stay_days_bounds() returns float8[]
language sql immutable parallel safe
return array[{", ".join(repr(bound) for bound in BOUNDS)}]::float8[]
"""

# The rollup rows of a set of stays, signed: live stays only (archived deals leave the
# funnel); first visits keyed by the distinct stages reached afterwards; completed stays by
# the bucket of their length.
ROLLUP_INSERTS = """
  insert into stage_funnel_reach (workspace_id, stage_id, owner_id, reached_after, first_visits)
  select workspace_id, stage_id, owner_id,
         array(select distinct r from unnest(reached_after) r order by r),
         {sign} count(*)
  from {rows}
  where first_visit and not archived
  group by 1, 2, 3, 4;

  insert into stage_stay_histogram (workspace_id, stage_id, owner_id, bucket, stays)
  select workspace_id, stage_id, owner_id, width_bucket(days, stay_days_bounds()),
         {sign} count(*)
  from {rows}
  where days is not null and not archived
  group by 1, 2, 3, 4;
"""

# Statement triggers on the stays: whatever removes stays (a refresh, a deal's or a
# workspace's deletion cascading) takes their rows out, and whatever adds them puts theirs in.
AFTER_STAYS = """
create function stage_funnel_after_stays() returns trigger
language plpgsql as $fn$
begin
  if tg_op in ('DELETE', 'UPDATE') then
    {forget}
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    {record}
  end if;
  return null;
end
$fn$
"""
TRIGGERS = [
    ("insert", "new table as new_rows"),
    ("delete", "old table as old_rows"),
    ("update", "old table as old_rows new table as new_rows"),
]

# Folds each key's signed rows into one (dropping keys that sum to zero). The rows folded
# are exactly the rows deleted, so rows that writers commit meanwhile are kept for next time.
FOLD = """
  with gone as (
    delete from {table}
    where (workspace_id, stage_id) in (
      select workspace_id, stage_id from {table}
      group by workspace_id, stage_id, owner_id, {key}
      having count(*) > 1)
    returning *
  )
  insert into {table} (workspace_id, stage_id, owner_id, {key}, {count})
  select workspace_id, stage_id, owner_id, {key}, sum({count})
  from gone
  group by 1, 2, 3, 4
  having sum({count}) <> 0;
"""
FOLDED = [
    ("stage_funnel_reach", "reached_after", "first_visits"),
    ("stage_stay_histogram", "bucket", "stays"),
]
COMPACT = (
    "create function compact_stage_funnel() returns void language sql as $fn$"
    + "".join(FOLD.format(table=t, key=k, count=c) for t, k, c in FOLDED)
    + "$fn$"
)


def _rollup_inserts(*, sign: str, rows: str) -> str:
    return ROLLUP_INSERTS.format(sign=sign, rows=rows)


def _trigger_name(event: str) -> str:
    return f"trg_deal_stage_stay_{event}_funnel"


def upgrade() -> None:
    op.create_table(
        "stage_funnel_reach",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("stage_id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=True),
        sa.Column("reached_after", postgresql.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("first_visits", sa.Integer(), nullable=False),
    )
    op.create_index(
        "ix_stage_funnel_reach_workspace",
        "stage_funnel_reach",
        ["workspace_id", "stage_id"],
        unique=False,
    )
    op.create_table(
        "stage_stay_histogram",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("stage_id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=True),
        sa.Column("bucket", sa.Integer(), nullable=False),
        sa.Column("stays", sa.Integer(), nullable=False),
    )
    op.create_index(
        "ix_stage_stay_histogram_workspace",
        "stage_stay_histogram",
        ["workspace_id", "stage_id"],
        unique=False,
    )
    op.create_index(
        "ix_deal_stage_stay_entered",
        "deal_stage_stay",
        ["workspace_id", "stage_id", "entered_at"],
        unique=False,
        postgresql_include=["days", "first_visit", "owner_id", "reached_after"],
        postgresql_where=sa.text("not archived"),
    )
    op.execute(BOUNDS_FUNCTION)
    forget = _rollup_inserts(sign="-", rows="old_rows")
    record = _rollup_inserts(sign="", rows="new_rows")
    op.execute(AFTER_STAYS.format(forget=forget, record=record))
    for event, referencing in TRIGGERS:
        op.execute(
            f"create trigger {_trigger_name(event)} after {event} on deal_stage_stay"
            f" referencing {referencing} for each statement"
            " execute function stage_funnel_after_stays()"
        )
    op.execute(COMPACT)
    # Backfill from the stays as they are, one row per key.
    op.execute(_rollup_inserts(sign="", rows="deal_stage_stay"))
    op.execute("analyze stage_funnel_reach")
    op.execute("analyze stage_stay_histogram")


def downgrade() -> None:
    for event, _ in TRIGGERS:
        op.execute(f"drop trigger {_trigger_name(event)} on deal_stage_stay")
    op.execute("drop function stage_funnel_after_stays()")
    op.execute("drop function compact_stage_funnel()")
    op.execute("drop function stay_days_bounds()")
    op.drop_index("ix_deal_stage_stay_entered", table_name="deal_stage_stay")
    op.drop_index("ix_stage_stay_histogram_workspace", table_name="stage_stay_histogram")
    op.drop_table("stage_stay_histogram")
    op.drop_index("ix_stage_funnel_reach_workspace", table_name="stage_funnel_reach")
    op.drop_table("stage_funnel_reach")
