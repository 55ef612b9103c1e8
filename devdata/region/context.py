"""What the scripts of the region share: the options, the result, the region's municipalities
and schools as they are planned and written, the story's dates and the random streams.

Each part draws from its own stream (``Region.rng("<part>", <municipality>)``), so the same
options give the same names, dates and statuses whatever the other parts draw.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from core.models import Municipality
from devdata.region.names import Name
from monitoring.indicators import school_year_of
from roadmap.models import Roadmap
from roadmap.seed import read_seed


@dataclass(frozen=True)
class RegionOptions:
    municipalities: int = 30
    schools: int = 50  # per municipality
    mentees: int = 300_000  # in total
    seed: int = 172
    users: bool = False  # give the accounts a password to log in with
    password: str | None = None  # implies users; generated when users and not given
    force: bool = False  # generate next to municipalities the generator did not make


@dataclass
class RegionResult:
    steps: list[tuple[str, float]]
    counts: list[tuple[str, int]]
    elapsed: float
    password: str | None
    municipalities: list[str]


class RegionRefused(Exception):
    """The database is not one to fill; the message says why, in Russian."""


@dataclass
class SchoolPlan:
    index: int
    full_name: str
    short_name: str
    pupils_total: int
    mentees: int = 0
    teachers: int = 0  # teacher mentees
    young: int = 0  # of them, young teachers
    letters: str = "А"
    pk: int | None = None
    curator: object = None


@dataclass
class MunicipalityPlan:
    number: int
    name: str
    short_name: str
    town: str
    head: Name  # the department's head
    diligence: float
    schools: list[SchoolPlan] = field(default_factory=list)
    pk: int | None = None
    obj: Municipality | None = None
    staff: object = None
    head_user: object = None
    roadmap: Roadmap | None = None


class Region:
    """The region being generated: the options, the story's school year (the seed roadmap's),
    the municipalities written so far and what one script leaves for the next."""

    def __init__(self, options: RegionOptions, progress: Callable[[str, float], None] | None):
        self.options = options
        self.progress = progress
        self.steps: list[tuple[str, float]] = []
        self.limit = max(1, int(settings.MENTOR_MAX_MENTEES))
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.today = timezone.localdate()
        self.seed_data = read_seed()
        self.year = int(self.seed_data["roadmap"]["school_year_start"])
        self.order_day = dt.date.fromisoformat(self.seed_data["order"]["date"])
        self.current_year = school_year_of(self.today)
        self.munis: list[MunicipalityPlan] = []
        self.forms: dict = {}  # the mentoring forms by key (registry's script)
        self.groups: dict = {}  # the roles' groups by name (the tenant's script)
        self.password: str | None = None

    def rng(self, *parts) -> random.Random:
        return random.Random(":".join(str(p) for p in (self.options.seed, *parts)))

    def at(self, day: dt.date, rng: random.Random, first_hour: int = 9) -> dt.datetime:
        return dt.datetime.combine(
            day, dt.time(rng.randint(first_hour, 17), rng.randrange(60)), tzinfo=self.tz
        )

    def step(self, label: str, work: Callable[[], None]) -> None:
        started = time.perf_counter()
        work()
        spent = time.perf_counter() - started
        self.steps.append((label, spent))
        if self.progress:
            self.progress(label, spent)


class Script:
    """One app's part of the region, written from the region's plan and its random streams."""

    def __init__(self, region: Region):
        self.region = region
        self.year = region.year
        self.munis = region.munis
        self.rng = region.rng
        self.at = region.at
