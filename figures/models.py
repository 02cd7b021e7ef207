"""An article's figures: the images its body may show, each with the words that go with it.

The image files are stored once per content (their names carry the SHA-256 of the
cleaned image) and never overwritten, so a version that froze a figure keeps showing
exactly the bytes it was signed with after the figure is replaced.
"""

from django.conf import settings
from django.db import models


class Figure(models.Model):
    """One figure of an article, cited from its body as ![alt text](figure:key)."""

    article = models.ForeignKey("articles.Article", on_delete=models.PROTECT, related_name="figures")
    key = models.SlugField(max_length=60)
    alt = models.CharField(max_length=500, help_text="What the image shows, for readers who cannot see it.")
    caption = models.CharField(max_length=1000, blank=True)
    credit = models.CharField(max_length=300, blank=True)
    licence = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(max_length=64)
    # The stored files: {"format", "width", "height", "bytes", "name", "renditions": [...]}
    # (see figures.processing.StoredImage.facts).
    image = models.JSONField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["article_id", "key"]
        constraints = [models.UniqueConstraint(fields=["article", "key"], name="one_figure_per_key_and_article")]

    def __str__(self):
        return f"figure {self.key} of article {self.article_id}"

    def snapshot(self):
        """Everything a reader sees of the figure, frozen into the version that cites it
        (and covered by its signed hash)."""
        return {
            "key": self.key,
            "alt": self.alt,
            "caption": self.caption,
            "credit": self.credit,
            "licence": self.licence,
            "sha256": self.sha256,
            **self.image,
        }
