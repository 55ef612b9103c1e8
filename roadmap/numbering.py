"""Natural ordering of measure numbers: «1.2» before «1.10»."""

import re

_PART = re.compile(r"\d+")


def number_key(number: str) -> list[int]:
    """``"1.10."`` → ``[1, 10]``; text without digits sorts last."""
    parts = [int(p) for p in _PART.findall(number or "")][:6]
    return parts or [2_147_483_647]
