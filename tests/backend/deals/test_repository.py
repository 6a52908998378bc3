import uuid

from sqlalchemy import Engine, select, text

from backend.deals.repository import filter_conditions
from backend.deals.schemas import DealFilters
from backend.models import Deal
from backend.models.deal import SEARCH_INDEX


def test_text_search_can_use_the_trigram_index(sync_engine: Engine) -> None:
    *_, search = filter_conditions(uuid.uuid4(), DealFilters(q="Acme_Corp"))
    compiled = select(Deal.id).where(search).compile(dialect=sync_engine.dialect)
    with sync_engine.connect() as conn:
        conn.execute(text("set local enable_seqscan = off"))
        plan = conn.exec_driver_sql(f"explain {compiled}", compiled.params).scalars().all()
    assert SEARCH_INDEX in "\n".join(plan)
    assert compiled.params[next(iter(compiled.params))] == "%acme\\_corp%"
