from django.contrib.sitemaps import Sitemap

from accounts.models import Profile
from articles.models import Signature
from public import pages


class ArticleSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return pages.published_articles().order_by("slug").only("slug", "published_at")

    def location(self, article):
        return article.get_public_url()

    def lastmod(self, article):
        return article.published_at


class ReviewerSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        signer_ids = Signature.objects.filter(kind=Signature.APPROVAL).values("signer_id")
        return Profile.objects.filter(user_id__in=signer_ids, user__is_active=True).order_by("slug")


SITEMAPS = {"articles": ArticleSitemap, "reviewers": ReviewerSitemap}
