"""A field of a list's filter form in Bootstrap 5's markup, written in one pass.

``{{ field|filter_field }}`` writes what crispy-forms' ``as_crispy_field`` writes for a text,
date or select input — the wrapper, the label, the widget with the same classes and attributes,
the errors and the help text — without its nine templates per field: on a registry list the
filter form cost more than the table of fifty rows. Checkboxes, radios, files, fieldsets and
hidden fields, which crispy lays out differently, are left to crispy.
"""

from __future__ import annotations

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.conf import settings
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()

_LEFT_TO_CRISPY = (
    forms.CheckboxInput,
    forms.RadioSelect,
    forms.CheckboxSelectMultiple,
    forms.FileInput,
    forms.MultiWidget,
)


def _add_classes(widget, *classes: str) -> None:
    """The classes crispy gives the widget: its class name in lower case, then ``classes``."""
    class_name = widget.__class__.__name__.lower()
    class_name = getattr(settings, "CRISPY_CLASS_CONVERTERS", {}).get(class_name, class_name)
    css_class = widget.attrs.get("class", "")
    if not css_class:
        css_class = class_name
    elif css_class.find(class_name) == -1:
        css_class += f" {class_name}"
    present = css_class.split()
    css_class += "".join(f" {name}" for name in classes if name not in present)
    widget.attrs["class"] = css_class


@register.filter
def filter_field(field):
    widget = field.field.widget
    if field.is_hidden or field.use_fieldset or isinstance(widget, _LEFT_TO_CRISPY):
        return as_crispy_field(field)
    kind = "form-select" if isinstance(widget, forms.Select) else "form-control"
    _add_classes(widget, kind, *(["is-invalid"] if field.errors else []))
    parts = [format_html('<div id="div_{}" class="mb-3">', field.auto_id)]
    if field.label:
        required = field.field.required
        parts.append(
            format_html(
                '<label for="{}" class="form-label{}">{}{}</label>',
                field.id_for_label,
                " requiredField" if required else "",
                field.label,
                mark_safe('<span class="asteriskField">*</span>') if required else "",
            )
        )
    parts.append(field.as_widget())
    if field.errors:
        parts.append(format_html('<div id="{}_error" class="invalid-feedback">', field.auto_id))
        parts.extend(
            format_html('<p id="error_{}_{}"><strong>{}</strong></p>', number, field.auto_id, error)
            for number, error in enumerate(field.errors, start=1)
        )
        parts.append(mark_safe("</div>"))
    if field.help_text:
        # As crispy: help text is the form author's markup, not the user's.
        parts.append(
            format_html(
                '<div id="{}_helptext" class="form-text">{}</div>',
                field.auto_id,
                mark_safe(field.help_text),
            )
        )
    parts.append(mark_safe("</div>"))
    return mark_safe("".join(conditional_escape(part) for part in parts))
