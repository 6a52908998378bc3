"""Running totals of the stage stays, for the funnel over a whole history.

Written only by the database (triggers on deal_stage_stay, migration c6b5f4e3d276): stays
removed add their rows with a minus sign, stays added with a plus sign, so a key's value is
the sum of its rows and writers never wait on one another for a hot row.
`compact_stage_funnel()` (a periodic job) folds each key's rows into one. Live deals' stays
only; archived ones leave the funnel.
"""

from sqlalchemy import Column, Index, Integer, Table, Uuid
from sqlalchemy.dialects.postgresql import ARRAY

from backend.models.base import Base

# First visits to a stage, by owner and by the distinct stages the deal entered afterwards
# (sorted): whether a visit advanced depends on the pipeline's order at query time.
stage_funnel_reach = Table(
    "stage_funnel_reach",
    Base.metadata,
    Column("workspace_id", Uuid, nullable=False),
    Column("stage_id", Uuid, nullable=False),
    Column("owner_id", Uuid),
    Column("reached_after", ARRAY(Uuid), nullable=False),
    Column("first_visits", Integer, nullable=False),
    Index("ix_stage_funnel_reach_workspace", "workspace_id", "stage_id"),
)

# Completed stays by length: `bucket` is width_bucket(days, stay_days_bounds()), so the
# stays of bucket b are those with days >= stay_days_bounds()[b] (b >= 1) and below the next
# bound. A percentile's rank then points to one bucket, read in full from the stays' index.
stage_stay_histogram = Table(
    "stage_stay_histogram",
    Base.metadata,
    Column("workspace_id", Uuid, nullable=False),
    Column("stage_id", Uuid, nullable=False),
    Column("owner_id", Uuid),
    Column("bucket", Integer, nullable=False),
    Column("stays", Integer, nullable=False),
    Index("ix_stage_stay_histogram_workspace", "workspace_id", "stage_id"),
)
