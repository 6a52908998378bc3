"""query performance

Stage stays kept by the database (deal_stage_stay, refreshed by triggers from the stage
history), a partial index over live deals (the list's default order and its count), and
covering indexes over live deals by stage (pipeline, forecast, counts by status) and over
closed deals (won/lost analytics).

Revision ID: 7c1a0e5f3b21
Revises: 5b2e9c41d7a3
Create Date: 2026-11-25 20:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "7c1a0e5f3b21"
down_revision: str | None = "5b2e9c41d7a3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Recomputes the stays of the given deals from their stage changes (see DealStageStay).
# A stay per change into a stage; when the history does not start with "created in <stage>"
# (a first change from some stage, as imports leave it), a stay in that stage from the
# deal's creation; a deal without any change stays in its stage since creation. Dynamic SQL:
# planned for each call's array, so bulk loads get hash joins and single deals index scans.
REFRESH = """
create function refresh_deal_stage_stays(deal_ids uuid[]) returns void
language plpgsql as $fn$
begin
  if deal_ids is null or cardinality(deal_ids) = 0 then
    return;
  end if;
  -- Two writers refreshing one deal at once would both insert its stays: the second waits
  -- here for the first to commit, then recomputes from the history as committed.
  perform 1 from deal where id = any(deal_ids) order by id for no key update;
  execute 'delete from deal_stage_stay where deal_id = any($1)' using deal_ids;
  execute $sql$
    with deals as (
      select d.id, d.workspace_id, d.stage_id, d.owner_id, d.created_at,
             d.archived_at is not null as archived
      from deal d
      where d.id = any($1)
    ),
    changes as (
      select c.deal_id, c.from_stage_id, c.to_stage_id, c.changed_at,
             row_number() over w as n,
             lead(c.changed_at) over w as left_at,
             first_value(c.from_stage_id) over w as untracked_start,
             array_agg(c.to_stage_id) over (w rows between unbounded preceding and 1 preceding)
               as earlier,
             array_agg(c.to_stage_id) over (w rows between 1 following and unbounded following)
               as later,
             array_agg(c.to_stage_id) over (w rows between unbounded preceding
                                              and unbounded following) as every
      from deal_stage_change c
      where c.deal_id = any($1)
      window w as (partition by c.deal_id order by c.changed_at, c.id)
    ),
    stays as (
      select c.deal_id, c.n::int as seq, c.to_stage_id as stage_id,
             c.changed_at as entered_at, c.left_at,
             not (coalesce(c.to_stage_id = any(c.earlier), false)
                  or c.to_stage_id is not distinct from c.untracked_start) as first_visit,
             c.later as reached
      from changes c
      where c.to_stage_id is not null
      union all
      select c.deal_id, 0, c.from_stage_id, least(d.created_at, c.changed_at), c.changed_at,
             true, c.every
      from changes c
      join deals d on d.id = c.deal_id
      where c.n = 1 and c.from_stage_id is not null
      union all
      select d.id, 0, d.stage_id, d.created_at, null, true, null
      from deals d
      where not exists (select from changes c where c.deal_id = d.id)
    )
    insert into deal_stage_stay (deal_id, seq, workspace_id, stage_id, owner_id, archived,
                                 entered_at, left_at, days, first_visit, reached_after)
    select s.deal_id, s.seq, d.workspace_id, s.stage_id, d.owner_id, d.archived,
           s.entered_at, s.left_at,
           cast(extract(epoch from s.left_at - s.entered_at) as double precision) / 86400,
           s.first_visit,
           case when s.first_visit then coalesce(array_remove(s.reached, null), '{}') end
    from stays s
    join deals d on d.id = s.deal_id
  $sql$ using deal_ids;
end
$fn$
"""

# One trigger function per table; transition tables carry the touched rows of a statement.
AFTER_CHANGE = """
create function deal_stage_stays_after_change() returns trigger
language plpgsql as $fn$
begin
  if tg_op = 'INSERT' then
    perform refresh_deal_stage_stays(array(select distinct deal_id from new_rows));
  elsif tg_op = 'DELETE' then
    perform refresh_deal_stage_stays(array(select distinct deal_id from old_rows));
  else
    perform refresh_deal_stage_stays(
      array(select deal_id from new_rows union select deal_id from old_rows));
  end if;
  return null;
end
$fn$
"""

AFTER_DEAL = """
create function deal_stage_stays_after_deal() returns trigger
language plpgsql as $fn$
begin
  if tg_op = 'INSERT' then
    perform refresh_deal_stage_stays(array(select id from new_rows));
  else
    perform refresh_deal_stage_stays(array(
      select n.id
      from new_rows n
      join old_rows o on o.id = n.id
      where (n.stage_id, n.owner_id, n.created_at, n.archived_at is null)
        is distinct from (o.stage_id, o.owner_id, o.created_at, o.archived_at is null)));
  end if;
  return null;
end
$fn$
"""

NEW, OLD, BOTH = "new table as new_rows", "old table as old_rows", "old table as old_rows"
BOTH += " new table as new_rows"
TRIGGERS = [
    ("deal_stage_change", "insert", NEW, "deal_stage_stays_after_change"),
    ("deal_stage_change", "delete", OLD, "deal_stage_stays_after_change"),
    ("deal_stage_change", "update", BOTH, "deal_stage_stays_after_change"),
    ("deal", "insert", NEW, "deal_stage_stays_after_deal"),
    ("deal", "update", BOTH, "deal_stage_stays_after_deal"),
]


def _trigger_name(table: str, event: str) -> str:
    return f"trg_{table}_{event}_stage_stays"


def upgrade() -> None:
    op.create_table(
        "deal_stage_stay",
        sa.Column("deal_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("stage_id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=True),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("days", sa.Float(), nullable=True),
        sa.Column("first_visit", sa.Boolean(), nullable=False),
        sa.Column("reached_after", postgresql.ARRAY(sa.Uuid()), nullable=True),
        sa.ForeignKeyConstraint(
            ["deal_id"],
            ["deal.id"],
            name=op.f("fk_deal_stage_stay_deal_id_deal"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["stage_id"],
            ["pipeline_stage.id"],
            name=op.f("fk_deal_stage_stay_stage_id_pipeline_stage"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_deal_stage_stay_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("deal_id", "seq", name=op.f("pk_deal_stage_stay")),
    )
    op.create_index(
        "ix_deal_stage_stay_funnel",
        "deal_stage_stay",
        ["workspace_id", "stage_id", "days"],
        unique=False,
        postgresql_include=["entered_at", "first_visit", "owner_id", "reached_after"],
        postgresql_where=sa.text("not archived"),
    )
    op.create_index(
        "ix_deal_workspace_live",
        "deal",
        ["workspace_id", "created_at", "id"],
        unique=False,
        postgresql_where=sa.text("archived_at is null"),
    )
    op.create_index(
        "ix_deal_workspace_stage_live",
        "deal",
        ["workspace_id", "stage_id"],
        unique=False,
        postgresql_include=["amount", "probability_override", "expected_close_date", "owner_id"],
        postgresql_where=sa.text("archived_at is null"),
    )
    op.create_index(
        "ix_deal_workspace_closed_live",
        "deal",
        ["workspace_id", "closed_at"],
        unique=False,
        postgresql_include=["stage_id", "owner_id", "amount", "created_at"],
        postgresql_where=sa.text("archived_at is null and closed_at is not null"),
    )
    op.execute(REFRESH)
    op.execute(AFTER_CHANGE)
    op.execute(AFTER_DEAL)
    for table, event, referencing, function in TRIGGERS:
        op.execute(
            f"create trigger {_trigger_name(table, event)} after {event} on {table}"
            f" referencing {referencing} for each statement execute function {function}()"
        )
    # Backfill: the stays of every existing deal, in one set-based pass.
    op.execute("select refresh_deal_stage_stays(array(select id from deal))")
    op.execute("analyze deal_stage_stay")


def downgrade() -> None:
    for table, event, _, _ in TRIGGERS:
        op.execute(f"drop trigger {_trigger_name(table, event)} on {table}")
    op.execute("drop function deal_stage_stays_after_deal()")
    op.execute("drop function deal_stage_stays_after_change()")
    op.execute("drop function refresh_deal_stage_stays(uuid[])")
    op.drop_index("ix_deal_workspace_closed_live", table_name="deal")
    op.drop_index("ix_deal_workspace_stage_live", table_name="deal")
    op.drop_index("ix_deal_workspace_live", table_name="deal")
    op.drop_index("ix_deal_stage_stay_funnel", table_name="deal_stage_stay")
    op.drop_table("deal_stage_stay")
