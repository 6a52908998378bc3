"""Realistic generated workspaces for the demo, the tests and the benchmarks.

`simulate` plans deals (stages, slips, outcomes), `activities` their timelines, `load`
COPYs them into Postgres, and `workspace.populate` ties it together for one workspace.
"""

from devtools.generator.load import Loaded, bulk_mode
from devtools.generator.workspace import Spec, add_sellers, analyze, ensure_pipeline, populate

__all__ = ["Loaded", "Spec", "bulk_mode", "add_sellers", "analyze", "ensure_pipeline", "populate"]
