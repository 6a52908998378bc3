"""Deal lifecycles: a pure, seeded simulation of how each deal moves, slips and ends.

Every deal carries a hidden health drawn from its seller's skill plus luck. Health speeds
it through the stages, lowers the chance it slips or goes dark, and raises the chance it
advances at each decision; every slip costs health. So the observable signals (activity,
slips, time in stage, silence) predict the outcome the way they do in real pipelines.
"""

import itertools
import math
import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from devtools.generator import catalog

HISTORY_DAYS = 548  # 18 months
# Median days a deal spends in each open stage before the next decision (lead first).
STAGE_MEDIAN_DAYS = (6.0, 12.0, 16.0, 14.0)
# Log-odds of advancing at each open stage for a deal of average health.
ADVANCE_LOGIT = (2.9, 2.6, 2.3, 2.6)
MAX_PUSHES = 6
SOURCES = (("manual", 55), ("hubspot", 30), ("import", 10), ("notion", 5))


# Ids are kept as a uuid's 16 bytes, the form binary COPY sends: building and dumping
# millions of UUID objects took a third of the time of generating a large workspace.
Id = bytes


def id_of(value: uuid.UUID) -> Id:
    return value.bytes


@dataclass(frozen=True)
class Stage:
    id: Id
    name: str


@dataclass(frozen=True)
class Pipeline:
    """Open stages in pipeline order, then where won and lost deals end."""

    open: tuple[Stage, ...]
    won: Stage
    lost: Stage


@dataclass(frozen=True)
class Seller:
    id: Id
    skill: float
    pace: float
    share: float


@dataclass(frozen=True)
class StageMove:
    id: Id
    at: datetime
    from_stage: Stage | None
    to_stage: Stage


@dataclass(frozen=True)
class DateMove:
    id: Id
    at: datetime
    from_date: date | None
    to_date: date

    @property
    def is_push(self) -> bool:
        return self.from_date is not None and self.to_date > self.from_date


@dataclass
class DealPlan:
    index: int
    id: Id
    title: str
    company: str
    contact_name: str
    contact_email: str
    amount: Decimal
    source: str
    external_id: str | None
    owner: Seller
    created_at: datetime
    health: float
    expected_close_date: date
    moves: list[StageMove] = field(default_factory=list)
    date_moves: list[DateMove] = field(default_factory=list)
    outcome: str = "open"
    closed_at: datetime | None = None
    lost_reason: str | None = None
    probability_override: Decimal | None = None
    # The seller works the deal until then (closing, going dark, or now for live deals).
    engaged_until: datetime | None = None
    # Filled by activities.allocate: when the seller's done activities happened, how many
    # are still scheduled, and the latest completion.
    activity_times: list[datetime] = field(default_factory=list)
    upcoming: int = 0
    last_activity_at: datetime | None = None

    @property
    def stage(self) -> Stage:
        return self.moves[-1].to_stage

    @property
    def stage_entered_at(self) -> datetime:
        return self.moves[-1].at

    @property
    def push_count(self) -> int:
        return sum(1 for m in self.date_moves if m.is_push)


def day_start(moment: datetime) -> datetime:
    """`moment` truncated to the day in UTC: the default anchor of a generated history."""
    return moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


_V4_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_V4_SET = (4 << 76) | (0x8000 << 48)


def seeded_id(rng: random.Random, salt: int) -> Id:
    """A reproducible version-4 uuid; `salt` (the workspace id) keeps equal seeds apart
    across workspaces."""
    return (((rng.getrandbits(128) ^ salt) & _V4_CLEAR) | _V4_SET).to_bytes(16)


def make_sellers(ids: list[uuid.UUID], rng: random.Random) -> list[Seller]:
    """Sellers differ in skill (win rate), pace (activity) and how many deals they carry."""
    return [
        Seller(
            id=id_of(seller_id),
            skill=rng.gauss(0, 0.3),
            pace=math.exp(rng.gauss(0, 0.25)),
            share=math.exp(rng.gauss(0, 0.35)),
        )
        for seller_id in ids
    ]


def make_companies(count: int, rng: random.Random) -> list[str]:
    suffixes = ("", "", " Group", " Systems", " Health", " Media", " Partners", " Retail")
    names = {
        f"{h}{t}{s}" for h in catalog.COMPANY_HEADS for t in catalog.COMPANY_TAILS for s in suffixes
    }
    pool = sorted(names)
    rng.shuffle(pool)
    return pool[: max(1, min(count, len(pool)))]


def plan_deals(
    *,
    count: int,
    sellers: list[Seller],
    pipeline: Pipeline,
    seed: int,
    now: datetime,
    salt: int = 0,
) -> list[DealPlan]:
    """`count` deals created over the 18 months before `now`, each simulated up to `now`."""
    rng = random.Random(f"{seed}:workspace")
    companies = make_companies(max(40, count // 8), rng)
    shares = list(itertools.accumulate(s.share for s in sellers))
    deals = []
    for index in range(count):
        sim = _Simulation(random.Random(f"{seed}:deal:{index}"), salt, pipeline, now)
        owner = sim.rng.choices(sellers, cum_weights=shares)[0]
        deal = sim.new_deal(index, owner, companies)
        sim.run(deal)
        deals.append(deal)
    return deals


_PRODUCT_WEIGHTS = list(itertools.accumulate(p[2] for p in catalog.PRODUCTS))
_SOURCE_WEIGHTS = list(itertools.accumulate(w for _, w in SOURCES))
_LOST_WEIGHTS = list(itertools.accumulate(w for _, w in catalog.LOST_REASONS))


@dataclass
class _Simulation:
    rng: random.Random
    salt: int
    pipeline: Pipeline
    now: datetime

    def new_deal(self, index: int, owner: Seller, companies: list[str]) -> DealPlan:
        rng = self.rng
        product, price, _ = rng.choices(catalog.PRODUCTS, cum_weights=_PRODUCT_WEIGHTS)[0]
        amount = (price * Decimal(round(rng.uniform(0.88, 1.12), 2))).quantize(Decimal("1"))
        company = rng.choice(companies)
        first, last = rng.choice(catalog.FIRST_NAMES), rng.choice(catalog.LAST_NAMES)
        source = rng.choices(SOURCES, cum_weights=_SOURCE_WEIGHTS)[0][0]
        # Deal flow grows over the period (more deals lately), as in the sample's months.
        span = (HISTORY_DAYS - 1) * 86_400
        created_at = self.now - timedelta(seconds=span - int(span * rng.random() ** 0.8))
        big = price > 20_000
        close_days = rng.lognormvariate(math.log(55), 0.4) * (1.5 if big else 1.0)
        deal = DealPlan(
            index=index,
            id=seeded_id(rng, self.salt),
            title=f"{company} - {product}",
            company=company,
            contact_name=f"{first} {last}",
            contact_email=f"{first}.{last}@{company.replace(' ', '')}.com".lower(),
            amount=amount,
            source=source,
            external_id=None if source == "manual" else f"{source}-{index:07d}",
            owner=owner,
            created_at=created_at,
            health=owner.skill + rng.gauss(0, 1) - (0.3 if big else 0.0),
            expected_close_date=(created_at + timedelta(days=close_days)).date(),
        )
        deal.moves.append(self._stage_move(created_at, None, self.pipeline.open[0]))
        deal.date_moves.append(DateMove(self._id(), created_at, None, deal.expected_close_date))
        return deal

    def run(self, deal: DealPlan) -> None:
        rng, pipeline, now = self.rng, self.pipeline, self.now
        health = deal.health
        slow = 1.5 if deal.amount > 20_000 else 1.0
        # Some deals go silent: the buyer stops answering and the seller stops trying.
        dark_at = None
        if rng.random() < _sigmoid(-1.7 - 0.9 * health):
            dark_at = deal.created_at + timedelta(days=rng.uniform(5, 70))
        t = deal.created_at
        position = 0
        while len(deal.moves) < 12:
            step = min(position, 3)
            days = STAGE_MEDIAN_DAYS[step] * slow * math.exp(-0.3 * health)
            days *= rng.lognormvariate(0, 0.7)
            will_advance = rng.random() < _sigmoid(ADVANCE_LOGIT[step] + 0.9 * health)
            if not will_advance and position < 2:
                days *= 0.6  # early disqualifications are quick
            decision = t + timedelta(days=max(days, 0.05), seconds=rng.randrange(3600))
            if dark_at is not None and dark_at < decision:
                self._go_dark(deal, t, dark_at)
                return
            health -= self._push_close_dates(deal, t, min(decision, now))
            if decision >= now:
                break
            stage = deal.stage
            if not will_advance:
                self._close(
                    deal,
                    decision,
                    "lost",
                    rng.choices(catalog.LOST_REASONS, cum_weights=_LOST_WEIGHTS)[0][0],
                )
                break
            if position == len(pipeline.open) - 1:
                self._close(deal, decision, "won", None)
                break
            jump = -1 if position > 0 and rng.random() < 0.04 else 2 if rng.random() < 0.06 else 1
            position = min(max(position + jump, 0), len(pipeline.open) - 1)
            deal.moves.append(self._stage_move(decision, stage, pipeline.open[position]))
            t = decision
        deal.engaged_until = deal.closed_at or now
        if deal.outcome == "open" and rng.random() < 0.04:
            deal.probability_override = Decimal(rng.randrange(5, 96, 5))

    def _go_dark(self, deal: DealPlan, since: datetime, dark_at: datetime) -> None:
        deal.engaged_until = min(dark_at, self.now)
        given_up = dark_at + timedelta(days=self.rng.uniform(20, 75))
        # Nobody answers, yet the date keeps being pushed at pipeline reviews until someone
        # gives up on the deal.
        self._push_close_dates(deal, since, min(given_up, self.now))
        if given_up < self.now:
            self._close(deal, given_up, "lost", catalog.WENT_DARK_REASON)

    def _close(self, deal: DealPlan, at: datetime, outcome: str, reason: str | None) -> None:
        end = self.pipeline.won if outcome == "won" else self.pipeline.lost
        deal.moves.append(self._stage_move(at, deal.stage, end))
        deal.outcome, deal.closed_at, deal.lost_reason = outcome, at, reason

    def _push_close_dates(self, deal: DealPlan, since: datetime, until: datetime) -> float:
        """Slip the close date each time it passes while the deal is open; returns lost health."""
        rng = self.rng
        cost = 0.0
        while deal.push_count < MAX_PUSHES:
            due = datetime.combine(deal.expected_close_date, datetime.min.time(), UTC)
            at = due + timedelta(days=rng.uniform(-3, 7), seconds=rng.randrange(86_400))
            at = max(at, deal.date_moves[-1].at + timedelta(minutes=1), since)
            if at >= until:
                break
            later = max(deal.expected_close_date, at.date()) + timedelta(days=rng.randint(10, 60))
            deal.date_moves.append(DateMove(self._id(), at, deal.expected_close_date, later))
            deal.expected_close_date = later
            cost += 0.9
        return cost

    def _stage_move(self, at: datetime, before: Stage | None, after: Stage) -> StageMove:
        return StageMove(self._id(), at, before, after)

    def _id(self) -> Id:
        return seeded_id(self.rng, self.salt)


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))
