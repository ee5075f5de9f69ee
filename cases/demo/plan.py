"""What happens to each demo case, decided up front from the seed (pure: no database, no clock).

A plan names the case's scenario (how far it goes and which side paths it takes), its channel and
when it arrived. Every scenario appears at least once when there are enough cases, the rest are drawn
with weights close to what a party office sees.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

# scenario → weight, and how many days before the end of the history it arrives (low, high).
SCENARIOS: dict[str, tuple[int, tuple[int, int]]] = {
    "untriaged": (4, (0, 2)),
    "not_accepted": (6, (5, 170)),
    "duplicate": (6, (10, 170)),
    "out_of_scope": (6, (5, 170)),
    "accusation": (3, (10, 170)),
    "in_progress": (12, (4, 40)),
    "overdue": (6, (100, 175)),
    "replied": (5, (25, 40)),
    "closed": (36, (30, 175)),
    "unrated_closed": (5, (40, 175)),
    "review": (7, (70, 175)),
}
CHANNELS = {"web": 45, "email": 30, "letter": 12, "phone": 13}
KINDS = {"suggestion": 65, "enquiry": 20, "claim": 15}
STOPS = ("accepted", "drafted", "submitted", "endorsed", "approved")


@dataclass(frozen=True)
class CasePlan:
    """Everything decided in advance about one demo case."""

    index: int
    scenario: str
    channel: str
    kind: str
    received_at: datetime
    anonymous: bool
    with_email: bool
    returned: bool
    transferred: bool
    extension: str  # "", "approved" or "refused"
    stop: str  # in_progress: the stage the case stops at


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    names = list(weights)
    return rng.choices(names, weights=[weights[name] for name in names])[0]


def work_time(day: date, rng: random.Random) -> datetime:
    """A moment in office hours on ``day`` (or the Monday after a weekend), in UTC."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    local = datetime.combine(day, time(rng.randint(9, 16), rng.randint(0, 59)), SHANGHAI)
    return local.astimezone(UTC)


def later(moment: datetime, rng: random.Random, low: int, high: int) -> datetime:
    """A moment in office hours ``low``–``high`` days after ``moment`` (always after it)."""
    day = moment.astimezone(SHANGHAI).date() + timedelta(days=rng.randint(low, high))
    found = work_time(day, rng)
    return found if found > moment else moment + timedelta(minutes=rng.randint(5, 90))


def _received(
    rng: random.Random, until: datetime, ages: tuple[int, int], channel: str, span: int
) -> datetime:
    low, high = ages
    high = max(low, min(high, span)) if low <= span else low
    moment = until - timedelta(days=rng.uniform(low, high + 0.99))
    if channel in ("letter", "phone"):  # typed in by the party office in office hours
        found = work_time(moment.astimezone(SHANGHAI).date(), rng)
        return found if found <= until else moment
    return moment.replace(microsecond=0)


def make_plans(count: int, seed: int, until: datetime, months: int) -> list[CasePlan]:
    """``count`` plans, oldest arrival first: the same list for the same arguments."""
    rng = random.Random(seed)
    names = list(SCENARIOS)
    scenarios = names[:count] + [
        rng.choices(names, weights=[SCENARIOS[n][0] for n in names])[0] for _ in range(count - len(names))
    ]
    rng.shuffle(scenarios)
    plans = []
    for index, scenario in enumerate(scenarios):
        channel = "web" if scenario == "accusation" and rng.random() < 0.5 else _pick(rng, CHANNELS)
        # Every channel at least once among the first cases (a small demo still shows them all).
        channel = list(CHANNELS)[index] if index < len(CHANNELS) and scenario != "accusation" else channel
        with_email = channel == "email" or (channel == "web" and rng.random() < 0.7) or rng.random() < 0.1
        long_path = scenario in ("closed", "review", "unrated_closed", "replied")
        plans.append(
            CasePlan(
                index=index,
                scenario=scenario,
                channel=channel,
                kind=_pick(rng, KINDS),
                received_at=_received(rng, until, SCENARIOS[scenario][1], channel, months * 30),
                anonymous=channel == "web" and rng.random() < 0.15,
                with_email=with_email,
                returned=long_path and rng.random() < 0.06,
                transferred=long_path and rng.random() < 0.06,
                extension=("approved" if rng.random() < 0.75 else "refused")
                if scenario in ("closed", "review", "replied", "in_progress") and rng.random() < 0.12
                else "",
                stop=rng.choice(STOPS),
            )
        )
    return sorted(_with_side_paths(plans), key=lambda plan: (plan.received_at, plan.index))


def _with_side_paths(plans: list[CasePlan]) -> list[CasePlan]:
    """Make sure a return, a transfer and an approved and a refused extension each happen once."""
    wanted = [{"returned": True}, {"transferred": True}, {"extension": "approved"}, {"extension": "refused"}]
    taken: set[int] = set()
    for change in wanted:
        key, value = next(iter(change.items()))
        if any(getattr(plan, key) == value for plan in plans):
            continue
        for n, plan in enumerate(plans):
            if plan.scenario == "closed" and n not in taken:
                plans[n] = replace(plan, **change)  # type: ignore[arg-type]
                taken.add(n)
                break
    return plans
