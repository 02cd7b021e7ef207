"""What the API reads and writes. Request serializers only validate the shape of the
input; every rule about who may do what stays in the lifecycle, asked by the services."""

from rest_framework import serializers

from articles.lifecycle import State
from articles.rendering import AUDIENCES

MAX_ID = 2**63 - 1  # the database's bigint: a larger id can name nothing


class StrictCharField(serializers.CharField):
    """A string, and only a string: DRF's CharField would turn 0 or true into text."""

    default_error_messages = {"not_a_string": "Send text here (a JSON string)."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_a_string")
        if "\x00" in data:
            raise serializers.ValidationError("Text may not contain NUL characters.")
        return super().to_internal_value(data)


class StrictSlugField(StrictCharField, serializers.SlugField):
    pass


class IdField(serializers.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, int) or isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)


# ---------------------------------------------------------------- public reads


class ReviewerLineSerializer(serializers.Serializer):
    name = serializers.CharField()
    credentials = serializers.CharField()
    profile_url = serializers.CharField(help_text="The reviewer's public profile page.")
    conflict_of_interest = serializers.CharField(
        allow_blank=True, help_text="The conflict of interest the reviewer declared when signing; empty when none."
    )


class ReviewSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=["submitted", "under_review", "approved"],
        help_text="The step of the shown version; not 'approved' means pending medical review.",
    )
    approved = serializers.BooleanField()
    last_reviewed = serializers.DateTimeField(allow_null=True)
    review_due_since = serializers.DateField(allow_null=True, help_text="Set once the re-review date has passed.")
    reviewers = ReviewerLineSerializer(many=True)


class PublishedArticleSerializer(serializers.Serializer):
    slug = serializers.CharField()
    topic = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField()
    aliases = serializers.ListField(child=serializers.CharField())
    published_at = serializers.DateTimeField(help_text="Last updated: when the shown version was published.")
    page_url = serializers.CharField()
    api_url = serializers.CharField()
    review = ReviewSerializer()


class FaqSerializer(serializers.Serializer):
    question = StrictCharField(max_length=1000)
    answer = StrictCharField(max_length=5000)


class AudienceVariantSerializer(serializers.Serializer):
    audience = serializers.ChoiceField(choices=list(AUDIENCES))
    label = serializers.CharField()
    body_html = serializers.CharField(help_text="The body rendered for this audience (sanitised HTML).")
    disclaimer = serializers.CharField()
    page_url = serializers.CharField()


class FigureRenditionSerializer(serializers.Serializer):
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    url = serializers.CharField()


class FigureSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Cited in the body as ![alt](figure:key).")
    alt = serializers.CharField()
    caption = serializers.CharField(allow_blank=True)
    credit = serializers.CharField(allow_blank=True)
    licence = serializers.CharField(allow_blank=True)
    sha256 = serializers.CharField(help_text="SHA-256 of the stored image, part of the signed content.")
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    renditions = FigureRenditionSerializer(many=True, help_text="The image at each width, never wider than it is.")


class PublishedArticleDetailSerializer(PublishedArticleSerializer):
    body_markdown = serializers.CharField(
        help_text="The body as written, with ::: audience blocks and [@key] citations."
    )
    key_points = serializers.ListField(child=serializers.CharField())
    faq = FaqSerializer(many=True)
    audiences = AudienceVariantSerializer(many=True)
    references_url = serializers.CharField()
    figures = FigureSerializer(many=True)


class CslItemSerializer(serializers.Serializer):
    """One CSL-JSON item (https://citeproc-js.readthedocs.io/en/latest/csl-json/markup.html)."""

    id = serializers.CharField()
    type = serializers.CharField()
    title = serializers.CharField()
    number = serializers.IntegerField(help_text="Its number in the article's reference list.")


class ReviewerSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    credentials = serializers.CharField()
    specialty = serializers.CharField()
    bio = serializers.CharField()
    profile_url = serializers.CharField()


class ReviewedArticleSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    api_url = serializers.CharField()


class ReviewerDetailSerializer(ReviewerSerializer):
    reviewed = ReviewedArticleSerializer(many=True)


# ---------------------------------------------------------------- desk reads


class VersionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    title = serializers.CharField()
    summary = serializers.CharField()
    body = serializers.CharField()
    key_points = serializers.CharField()
    faq = FaqSerializer(many=True)
    aliases = serializers.ListField(child=serializers.CharField())
    reference_list = serializers.ListField(child=serializers.CharField())
    note = serializers.CharField()
    content_hash = serializers.CharField()
    created_at = serializers.DateTimeField()


class DeskArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    topic = serializers.CharField()
    state = serializers.ChoiceField(choices=[state.value for state in State])
    title = serializers.CharField(source="working_version.title")
    working_version_id = serializers.IntegerField()
    published_version_id = serializers.IntegerField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    state_changed_at = serializers.DateTimeField()


class DeskArticleDetailSerializer(DeskArticleSerializer):
    review_policy = serializers.CharField()
    actions = serializers.ListField(
        child=serializers.ChoiceField(choices=["edit", "submit", "comment", "assign", "publish", "unpublish"]),
        help_text="What the token's holder may do now through the API, as the lifecycle says (a guard that "
        "depends on the request, such as a reason, is checked when it is sent).",
    )
    working_version = VersionSerializer()


class CommentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    body = serializers.CharField()
    section = serializers.CharField()
    created_at = serializers.DateTimeField()


# ---------------------------------------------------------------- desk writes


class ContentSerializer(serializers.Serializer):
    title = StrictCharField(max_length=300)
    summary = StrictCharField(max_length=2000, required=False, allow_blank=True, default="")
    body = StrictCharField(max_length=200_000, required=False, allow_blank=True, default="", trim_whitespace=False)
    key_points = StrictCharField(
        max_length=5000, required=False, allow_blank=True, default="", help_text="One point per line."
    )
    faq = FaqSerializer(many=True, required=False, default=list)
    aliases = serializers.ListField(child=StrictCharField(max_length=200), required=False, default=list, max_length=50)
    reference_list = serializers.ListField(
        child=StrictCharField(max_length=200),
        required=False,
        default=list,
        max_length=500,
        help_text="Library keys listed for the article.",
    )
    note = StrictCharField(max_length=300, help_text="The change note every saved version carries.")


class ArticleCreateSerializer(ContentSerializer):
    slug = StrictSlugField(max_length=200)
    topic = StrictCharField(max_length=100, required=False, allow_blank=True, default="")


class VersionSaveSerializer(ContentSerializer):
    base_version_id = IdField(help_text="The working version your edit starts from; 409 when it is no longer current.")


class ExpectedVersionSerializer(serializers.Serializer):
    expected_version_id = IdField(help_text="The working version you mean; 409 when it is no longer current.")


class PublishSerializer(ExpectedVersionSerializer):
    public_note = StrictCharField(
        max_length=500,
        required=False,
        allow_blank=True,
        help_text="What readers are told changed, in the page's history; required when another version "
        "is live (kept from the version when left out).",
    )


class CommentWriteSerializer(serializers.Serializer):
    body = StrictCharField(max_length=10_000)
    section = StrictCharField(max_length=300, required=False, allow_blank=True, default="")


class AssignSerializer(serializers.Serializer):
    reviewer_id = IdField()
    due_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class UnpublishSerializer(serializers.Serializer):
    reason = StrictCharField(max_length=500)
