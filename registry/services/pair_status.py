"""A pair's status and its members' active flags, changed together."""

from __future__ import annotations

from registry.models import (
    Pair,
    PairMentee,
)


def set_pair_status(pair: Pair, status: str, *, reason: str = "", ends_on=None) -> None:
    pair.status = status
    if status == Pair.Status.TERMINATED:
        pair.termination_reason = reason
    if ends_on and status in {Pair.Status.COMPLETED, Pair.Status.TERMINATED}:
        pair.ends_on = max(ends_on, pair.starts_on)
    pair.version += 1
    pair.save()
    PairMentee.objects.filter(pair=pair).update(is_active=status == Pair.Status.ACTIVE)
