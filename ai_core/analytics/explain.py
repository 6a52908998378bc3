"""Plain words for win-model factors: "No activity for 34 days lowers the odds".

Phrases are built a factor group at a time over all the deals it explains, from the
frame's columns, so explaining 100,000 scores stays a fraction of a second.
"""

from collections.abc import Callable

import numpy as np

from ai_core.analytics.frame import Bools, DealFrame, Floats, Ints, Objects

# Phrases for the deals at `index`, and whether each phrase's subject is plural.
Phrases = tuple[list[str], Bools]
Describe = Callable[[DealFrame, Ints], Phrases]


def sentences(frame: DealFrame, groups: tuple[str, ...], top: Ints, weight: Floats) -> Objects:
    """Text per (deal, factor slot): `top[i, k]` is a group index, `weight` its log-odds."""
    texts = np.empty(top.shape, dtype=object)
    for g, group in enumerate(groups):
        rows, slots = np.nonzero(top == g)
        if rows.size == 0:
            continue
        phrases, plural = describe(group)(frame, rows)
        raises = weight[rows, slots] > 0
        verbs = np.where(
            raises, np.where(plural, "raise", "raises"), np.where(plural, "lower", "lowers")
        )
        texts[rows, slots] = [
            f"{p} {v} the odds" for p, v in zip(phrases, verbs.tolist(), strict=True)
        ]
    return texts


def describe(group: str) -> Describe:
    if group.startswith("attribute:"):
        return _attribute(group.removeprefix("attribute:"))
    if group.startswith("measure:"):
        return _measure(group.removeprefix("measure:"))
    return _BUILT_IN[group]


def _singular(phrases: list[str]) -> Phrases:
    return phrases, np.zeros(len(phrases), dtype=np.bool_)


def _day_count(days: float) -> str:
    whole = round(days)
    return "1 day" if whole == 1 else f"{whole} days"


def _amount(frame: DealFrame, index: Ints) -> Phrases:
    return _singular([f"A deal size of {a:,.0f}" for a in frame.amount[index].tolist()])


def _days_in_stage(frame: DealFrame, index: Ints) -> Phrases:
    days, stage = frame.days_in_stage[index].tolist(), frame.stage_name[index].tolist()
    return _singular([f"{_day_count(d)} in {s}" for d, s in zip(days, stage, strict=True)])


def _idle_phrase(days: float) -> str:
    if days != days:  # NaN: never
        return "No activity ever logged"
    if days >= 7:
        return f"No activity for {_day_count(days)}"
    return "Activity today" if days < 1 else f"Last activity {_day_count(days)} ago"


def _idle(frame: DealFrame, index: Ints) -> Phrases:
    return _singular([_idle_phrase(d) for d in frame.days_since_last_activity[index].tolist()])


def _activity(frame: DealFrame, index: Ints) -> Phrases:
    counts = frame.activity_total(30)[index]
    phrases = [
        "No activity in the last 30 days"
        if n == 0
        else "1 activity in the last 30 days"
        if n == 1
        else f"{n} activities in the last 30 days"
        for n in counts.tolist()
    ]
    return phrases, counts > 1


def _scheduled(frame: DealFrame, index: Ints) -> Phrases:
    counts = frame.scheduled_activities[index]
    phrases = [
        "Nothing scheduled"
        if n == 0
        else "1 scheduled activity"
        if n == 1
        else f"{n} scheduled activities"
        for n in counts.tolist()
    ]
    return phrases, counts > 1


def _pushes(frame: DealFrame, index: Ints) -> Phrases:
    return _singular(
        [
            "Close date never pushed"
            if n == 0
            else "Close date pushed once"
            if n == 1
            else f"Close date pushed {n} times"
            for n in frame.close_date_pushes[index].tolist()
        ]
    )


def _close_phrase(days: float) -> str:
    if days != days:
        return "No expected close date"
    if days < 0:
        return f"Close date {_day_count(-days)} past due"
    return "Expected to close today" if days == 0 else f"Expected to close in {_day_count(days)}"


def _close_date(frame: DealFrame, index: Ints) -> Phrases:
    return _singular([_close_phrase(d) for d in frame.days_to_close[index].tolist()])


def _contacts(frame: DealFrame, index: Ints) -> Phrases:
    counts = frame.contact_count[index]
    phrases = [
        "No contact on the deal"
        if n == 0
        else "A single contact"
        if n == 1
        else f"{n} contacts involved"
        for n in counts.tolist()
    ]
    return phrases, counts > 1


def _age(frame: DealFrame, index: Ints) -> Phrases:
    return _singular(
        [
            "An unknown deal age" if d != d else f"Opened {_day_count(d)} ago"
            for d in frame.age_days[index].tolist()
        ]
    )


def _stage(frame: DealFrame, index: Ints) -> Phrases:
    return _singular([f"Being in {s}" for s in frame.stage_name[index].tolist()])


def _owner(frame: DealFrame, index: Ints) -> Phrases:
    names = [frame.deals[i].owner_name or frame.deals[i].owner_id for i in index.tolist()]
    return _singular([f"Owner {n}" if n else "Having no owner" for n in names])


def _source(frame: DealFrame, index: Ints) -> Phrases:
    return _singular([f"Coming from {s}" for s in frame.source[index].tolist()])


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def _attribute(key: str) -> Describe:
    def phrases(frame: DealFrame, index: Ints) -> Phrases:
        values = frame.attributes.get(key, np.full(len(frame), None, dtype=object))
        label = _label(key)
        return _singular(
            [f"{label} {v}" if v else f"No {label.lower()}" for v in values[index].tolist()]
        )

    return phrases


def _measure(key: str) -> Describe:
    def phrases(frame: DealFrame, index: Ints) -> Phrases:
        values = frame.measures.get(key, np.full(len(frame), np.nan))
        label = _label(key)
        return _singular(
            [
                f"Unknown {label.lower()}" if v != v else f"{label} of {v:,.4g}"
                for v in values[index].tolist()
            ]
        )

    return phrases


_BUILT_IN: dict[str, Describe] = {
    "amount": _amount,
    "days_in_stage": _days_in_stage,
    "idle": _idle,
    "activity": _activity,
    "scheduled": _scheduled,
    "pushes": _pushes,
    "close_date": _close_date,
    "contacts": _contacts,
    "age": _age,
    "stage": _stage,
    "owner": _owner,
    "source": _source,
}
