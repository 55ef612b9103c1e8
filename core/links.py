"""Addresses of pages, reversed once rather than once a row or once a request.

``link_to(name)`` gives a function from a record's key to its page's address: a list of fifty
rows reverses the pattern once. ``fixed(name)`` is the address of a page that takes no
arguments (the menu names about thirty), kept per URL configuration and script prefix and
forgotten when a test changes the URL configuration.
"""

from __future__ import annotations

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse

_KEY = 987654321
_known: dict[tuple, str] = {}


def link_to(name: str):
    """The address of the page ``name`` (a pattern with one integer key) for a key."""
    before, after = reverse(name, args=[_KEY]).split(str(_KEY))
    return lambda key: f"{before}{int(key)}{after}"


def fixed(name: str) -> str:
    key = (name, get_script_prefix(), get_urlconf())
    address = _known.get(key)
    if address is None:
        address = _known[key] = reverse(name)
    return address


@receiver(setting_changed)
def _forget(*, setting, **kwargs) -> None:
    if setting in {"ROOT_URLCONF", "FORCE_SCRIPT_NAME"}:
        _known.clear()
