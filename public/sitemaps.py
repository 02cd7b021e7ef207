from django.contrib.sitemaps import Sitemap

from accounts.models import Profile
from articles import selectors


class ArticleSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return selectors.published_articles().order_by("slug").only("slug", "published_at")

    def location(self, article):
        return article.get_public_url()

    def lastmod(self, article):
        return article.published_at


class ReviewerSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        signers = Profile.objects.filter(user_id__in=selectors.approval_signer_ids(), user__is_active=True)
        return signers.order_by("slug")


SITEMAPS = {"articles": ArticleSitemap, "reviewers": ReviewerSitemap}
