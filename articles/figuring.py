"""Resolving an article body's images against the article's figures (as citing.py does
for citation markers against the library)."""

from figures import markup
from figures.services import figures_of


def resolve(article_id, body):
    """(snapshots of the cited figures in order of first appearance, {key: Figure}): one query."""
    keys = markup.keys_in_order(body)
    figures = figures_of(article_id) if keys and article_id else {}
    return [figures[key].snapshot() for key in keys if key in figures], figures


def problems(version):
    """What blocks submission and approval: images that are not figures, and figure keys
    the version froze no figure for (none was uploaded when it was saved)."""
    return markup.problems(version.body, {snapshot["key"] for snapshot in version.figures})


def outdated(version, figures):
    """Keys of cited figures changed (image or words) since the version was saved."""
    return [
        snapshot["key"]
        for snapshot in version.figures
        if snapshot["key"] in figures and figures[snapshot["key"]].snapshot() != snapshot
    ]


def missing(version, figures):
    """Keys the body cites that the version froze no figure for but the article has now."""
    frozen = {snapshot["key"] for snapshot in version.figures}
    return [key for key in markup.keys_in_order(version.body) if key not in frozen and key in figures]
