"""Form widgets for long choices."""

from __future__ import annotations

from django import forms
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe


def _attrs(attrs: dict) -> str:
    """As Django's attrs.html: ``name="value"``, a bare name for True, nothing for False."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


class LongSelect(forms.Select):
    """A select of hundreds of options (the schools of a municipality), written in one pass:
    Django's own renders a template per option, a tenth of a page at 500 schools. The markup
    is the same as ``forms.Select``'s; option groups are left to it."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        if any(group_name for group_name, _options, _index in widget["optgroups"]):
            return super().render(name, value, attrs, renderer)
        lines = [format_html('<select name="{}"', widget["name"]), _attrs(widget["attrs"]), ">"]
        for _group, options, _index in widget["optgroups"]:
            for option in options:
                lines.append(
                    f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                    f"{_attrs(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
                )
        lines.append("\n</select>")
        return mark_safe("".join(lines))
