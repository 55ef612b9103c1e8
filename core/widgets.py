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
        # What Select.get_context and optgroups work out, without a dict per option.
        built = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            built["multiple"] = True
        values = self.format_value(value)
        lines = [format_html('<select name="{}"', name), _attrs(built), ">"]
        has_selected = False
        for option_value, option_label in self.choices:
            if isinstance(option_label, (list, tuple)):
                return super().render(name, value, attrs, renderer)
            text = "" if option_value is None else str(option_value)
            selected = (not has_selected or self.allow_multiple_selected) and text in values
            has_selected |= selected
            lines.append(
                f'\n  <option value="{conditional_escape(text)}"{" selected" if selected else ""}>'
                f"{conditional_escape(option_label)}</option>\n"
            )
        lines.append("\n</select>")
        return mark_safe("".join(lines))
