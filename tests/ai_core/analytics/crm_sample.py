"""The Maven Analytics CRM sample (../shared/data/crm-sample) as engine snapshots.

Each deal is described as it stood when it entered Engaging (its engage date): owner,
product, account and list price are known then; the close date, the close value (0 for
every lost deal) and the time it took are not, so none of them is a feature. The sample
has no activities, close-date history or per-stage probabilities.
"""

import csv
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ai_core.analytics import ClosedDeal, DealFeatures
from tests.shared_data import SHARED_DATA

SAMPLE = SHARED_DATA / "crm-sample"


@dataclass(frozen=True)
class Opportunity:
    row: dict[str, str]
    engaged_on: date
    closed_on: date
    won: bool


def _read(name: str) -> list[dict[str, str]]:
    with (SAMPLE / name).open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def closed_opportunities() -> list[Opportunity]:
    """The 6,711 won or lost opportunities (open ones have no outcome to learn from)."""
    return [
        Opportunity(
            row,
            date.fromisoformat(row["engage_date"]),
            date.fromisoformat(row["close_date"]),
            row["deal_stage"] == "Won",
        )
        for row in _read("sales_pipeline.csv")
        if row["deal_stage"] in ("Won", "Lost")
    ]


class Snapshots:
    """Builds snapshots with the accounts, products and teams tables joined in."""

    def __init__(self) -> None:
        self.accounts = {r["account"]: r for r in _read("accounts.csv")}
        # The pipeline spells "GTXPro" where products.csv has "GTX Pro".
        self.products = {r["product"].replace(" ", ""): r for r in _read("products.csv")}
        self.teams = {r["sales_agent"]: r for r in _read("sales_teams.csv")}

    def at_engage(self, o: Opportunity, *, stage_probability: float) -> DealFeatures:
        account = self.accounts.get(o.row["account"], {})
        product = self.products[o.row["product"].replace(" ", "")]
        team = self.teams[o.row["sales_agent"]]
        measures = {
            key: float(account[key])
            for key in ("revenue", "employees", "year_established")
            if account.get(key)
        }
        return DealFeatures(
            deal_id=o.row["opportunity_id"],
            stage_id="engaging",
            stage_name="Engaging",
            stage_probability=stage_probability,
            days_in_stage=0,
            amount=Decimal(product["sales_price"]),
            source="import",
            owner_id=o.row["sales_agent"],
            attributes={
                "product": product["product"],
                "series": product["series"],
                "sector": account.get("sector") or "unknown",
                "regional_office": team["regional_office"],
                "manager": team["manager"],
            },
            measures=measures,
        )

    def closed(self, o: Opportunity, *, stage_probability: float) -> ClosedDeal:
        return ClosedDeal(
            features=self.at_engage(o, stage_probability=stage_probability),
            won=o.won,
            closed_on=o.closed_on,
        )
