from django import template
from django.utils.html import format_html

from figures.html import url

register = template.Library()


@register.simple_tag
def figure_thumbnail(snapshot):
    """The smallest rendition of a figure snapshot, as an <img> with its alt text."""
    smallest = min(snapshot["renditions"], key=lambda rendition: rendition["width"])
    return format_html(
        '<img src="{}" width="{}" height="{}" alt="{}" class="figure-thumbnail">',
        url(smallest["name"]),
        smallest["width"],
        smallest["height"],
        snapshot["alt"],
    )
