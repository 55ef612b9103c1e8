"""``{% url_of 'name' %}``: the address of a page that takes no arguments, reversed once per
process (core.links.fixed) — the menu of every page names about thirty of them."""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape

from core.links import fixed

register = template.Library()


@register.simple_tag
def url_of(name: str) -> str:
    return conditional_escape(fixed(name))
