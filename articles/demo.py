"""Demo articles: fictional, plausible-sounding content taken through the real
services, so every lifecycle stage, version, signature and event is genuine."""

from datetime import timedelta

from django.utils import timezone

from accounts.demo import DEMO_PASSWORD, fresh_code
from articles import services
from articles.lifecycle import Policy
from articles.models import Article
from articles.services import Content
from references.demo import seed_references

DISCLAIMER = "This is demo content about a fictional condition. It is not medical advice."

ARTICLES = [
    {
        "slug": "what-is-velmora-fever",
        "topic": "Infections",
        "stage": "published",
        "title": "What is Velmora fever?",
        "aliases": ("Velmora syndrome", "Harbour fever"),
        "summary": "Velmora fever is a fictional viral illness that causes fever, joint aches and tiredness for about a week.",
        "key_points": "Most people recover within 7 to 10 days\nRest and fluids are the main treatment\nSeek help if a fever lasts more than 5 days",
        "body": (
            "## Symptoms\n\nThe illness usually starts with a sudden fever of 38.5 °C or more, followed by aching joints [@okafor2022; @velmora-guideline].\n\n"
            "- fever and chills\n- joint pain, mostly in the knees\n- tiredness lasting up to 2 weeks\n\n"
            "## Treatment\n\nThere is no specific antiviral treatment. Adults may take paracetamol 500 mg to 1 g "
            "every 4 to 6 hours, no more than 4 g in 24 hours [@lindqvist2021; @tanaka2020; @velmora-guideline].\n\n"
            "| Age | Usual recovery |\n|---|---|\n| Under 12 | 5 days |\n| Adults | 7-10 days |\n\n"
            "::: audience professional\nIn adults whose fever lasts beyond 5 days, the guideline suggests serology and a "
            "full blood count to rule out other causes [@velmora-guideline].\n:::\n\n"
            "::: audience caregiver\nOffer small drinks often, and keep a note of temperatures to show the doctor.\n:::\n\n"
            "::: audience patient\nRest, drink plenty of fluids, and take paracetamol only as the leaflet says.\n:::\n\n"
            f"## When to get help\n\nContact a doctor if the fever lasts more than 5 days [@velmora-guideline]. "
            f"Joint pain can last for months [@moreau2023].\n\n{DISCLAIMER}"
        ),
        "faq": (
            {
                "question": "Is Velmora fever contagious?",
                "answer": "In this fictional example, only through close contact.",
            },
        ),
    },
    {
        "slug": "understanding-graylock-anaemia",
        "topic": "Blood disorders",
        "stage": "published_with_draft",
        "title": "Understanding Graylock anaemia",
        "aliases": ("Graylock deficiency",),
        "summary": "A fictional form of anaemia caused by low levels of an imaginary vitamin, Q12.",
        "key_points": "It is diagnosed with a blood test\nTreatment is a daily supplement",
        "body": (
            "## Causes\n\nGraylock anaemia happens when the body cannot absorb vitamin Q12.\n\n"
            "## Treatment\n\nThe usual dose is 50 mcg of Q12 once daily for 3 months [@haddad2019; @graylock-guideline].\n\n"
            + DISCLAIMER
        ),
        "revision": "## Causes\n\nGraylock anaemia happens when the body cannot absorb vitamin Q12.\n\n"
        "## Treatment\n\nThe usual dose is 100 mcg of Q12 once daily for 3 months [@rossi2024; @graylock-guideline].\n\n"
        + DISCLAIMER,
    },
    {
        "slug": "living-with-tessaly-arthritis",
        "topic": "Joints and bones",
        "stage": "approved",
        "title": "Living with Tessaly arthritis",
        "aliases": (),
        "summary": "Practical advice for a fictional, slowly progressing joint condition.",
        "key_points": "Gentle exercise helps\nPain relief can be adjusted over time",
        "body": "## Exercise\n\nAim for 150 minutes of gentle activity a week [@silva2022; @tessaly-guideline].\n\n## Pain relief\n\nTalk to your care team.\n\n"
        + DISCLAIMER,
    },
    {
        "slug": "how-is-corvane-headache-treated",
        "topic": "Neurology",
        "stage": "under_review",
        "title": "How is Corvane headache treated?",
        "aliases": ("Corvane migraine",),
        "summary": "Options for a fictional recurring headache.",
        "key_points": "Keep a headache diary",
        "body": "## First steps\n\nRest in a dark room for 30 minutes [@cohen2020].\n\n## Medicines\n\nA doctor may suggest 200 mg of ibuprofen [@petrov2021; @corvane-guideline].\n\n"
        + DISCLAIMER,
    },
    {
        "slug": "what-causes-brindle-rash",
        "topic": "Skin",
        "stage": "submitted",
        "title": "What causes Brindle rash?",
        "aliases": (),
        "summary": "A fictional itchy rash that appears after contact with an imaginary plant.",
        "key_points": "Wash the skin with water\nAvoid scratching",
        "body": "## Causes\n\nContact with the (fictional) brindle fern [@okafor2019; @brindle-site].\n\n## Care\n\nCool compresses for 10 minutes, 3 times a day.\n\n"
        + DISCLAIMER,
    },
    {
        "slug": "osterby-sleep-disorder",
        "topic": "Sleep",
        "stage": "changes_requested",
        "title": "Osterby sleep disorder: signs and support",
        "aliases": ("Osterby insomnia",),
        "summary": "A fictional sleep disorder with early waking.",
        "key_points": "Keep regular hours",
        "body": "## Signs\n\nWaking 2 hours early most nights [@osterby-guideline; @lindqvist2023].\n\n## Support\n\nSleep hygiene first.\n\n"
        + DISCLAIMER,
    },
    {
        "slug": "marrow-valley-cough",
        "topic": "Infections",
        "stage": "fast_track",
        "title": "Marrow Valley cough: what we know so far",
        "aliases": ("MV cough",),
        "summary": "A developing, fictional outbreak article published quickly and reviewed after publication.",
        "key_points": "Information is changing quickly",
        "body": "## What we know\n\nCases were first reported this week [@mv-cough-update].\n\n## Staying safe\n\nWash hands for 20 seconds.\n\n"
        + DISCLAIMER,
    },
    {
        "slug": "pellin-diet-guide",
        "topic": "Nutrition",
        "stage": "draft",
        "title": "A guide to the Pellin diet",
        "aliases": (),
        "summary": "A fictional eating plan, still being written.",
        "key_points": "",
        "body": "## Overview\n\nDraft in progress.\n\n" + DISCLAIMER,
    },
    {
        "slug": "retired-harlow-guidance",
        "topic": "Heart",
        "stage": "unpublished",
        "title": "Harlow heart rhythm: older guidance",
        "aliases": (),
        "summary": "A fictional article withdrawn after new guidance.",
        "key_points": "Superseded",
        "body": "## Background\n\nThis guidance was replaced.\n\n" + DISCLAIMER,
    },
]


def _content(spec, body=None):
    return Content(
        title=spec["title"],
        summary=spec["summary"],
        body=body or spec["body"],
        key_points=spec["key_points"],
        faq=spec.get("faq", ()),
        aliases=spec["aliases"],
    )


def _review(article, staff, *, approvers, now):
    services.article_claim(article_id=article.pk, actor=staff[approvers[0]], now=now)
    for username in approvers[1:]:
        services.article_assign(
            article_id=article.pk, actor=staff["publisher"], reviewer_id=staff[username].pk, now=now
        )
    for username in approvers:
        article.refresh_from_db()
        services.article_approve(
            article_id=article.pk,
            actor=staff[username],
            password=DEMO_PASSWORD,
            code=fresh_code(staff[username]),
            expected_hash=article.working_version.content_hash,
            conflict="none",
            now=now,
        )


def _take_to_stage(article, spec, staff, now):
    editor, publisher = staff["editor"], staff["publisher"]
    stage = spec["stage"]
    if stage == "draft":
        return
    if stage == "fast_track":
        services.article_set_policy(
            article_id=article.pk,
            actor=publisher,
            review_policy=Policy.AFTER,
            approvals_required=1,
            rereview_months=6,
            now=now,
            reason="Outbreak guidance readers need today",
        )
        request = services.pending_fast_track(article)
        services.article_confirm_fast_track(
            article_id=article.pk,
            actor=staff["reviewer"],
            request_id=request.pk,
            password=DEMO_PASSWORD,
            code=fresh_code(staff["reviewer"]),
            now=now,
        )
    if stage == "published":
        services.article_set_policy(
            article_id=article.pk,
            actor=publisher,
            review_policy=Policy.BEFORE,
            approvals_required=2,
            rereview_months=12,
            now=now,
        )
    article.refresh_from_db()
    services.article_submit(
        article_id=article.pk, actor=editor, expected_version_id=article.working_version_id, now=now
    )
    if stage == "submitted":
        return
    if stage == "fast_track":
        services.article_publish(
            article_id=article.pk, actor=publisher, expected_version_id=article.working_version_id, now=now
        )
        services.article_claim(article_id=article.pk, actor=staff["reviewer2"], now=now)
        return
    if stage in ("under_review", "changes_requested"):
        services.article_claim(article_id=article.pk, actor=staff["reviewer"], now=now)
        if stage == "under_review":  # overdue, so the reminder sweep has something to chase
            services.article_assign(
                article_id=article.pk,
                actor=publisher,
                reviewer_id=staff["reviewer"].pk,
                due_at=timezone.now() - timedelta(days=4),
                now=now,
            )
        if stage == "changes_requested":
            services.article_request_changes(
                article_id=article.pk,
                actor=staff["reviewer"],
                section="Support",
                body="Please add when to see a doctor, and cite the sleep guideline.",
                expected_version_id=article.working_version_id,
                now=now,
            )
        return
    _review(article, staff, approvers=["reviewer", "reviewer2"] if stage == "published" else ["reviewer"], now=now)
    if stage == "approved":
        return
    article.refresh_from_db()
    services.article_publish(
        article_id=article.pk, actor=publisher, expected_version_id=article.working_version_id, now=now
    )
    if stage == "published_with_draft":
        article.refresh_from_db()
        services.article_save_version(
            article_id=article.pk,
            actor=editor,
            base_version_id=article.working_version_id,
            content=_content(spec, spec["revision"]),
            note="Dose updated to new guidance",
            now=now + timedelta(minutes=5),
        )
    if stage == "unpublished":
        services.article_unpublish(article_id=article.pk, actor=publisher, reason="Replaced by newer guidance", now=now)


def seed_articles(staff):
    """Create the demo articles that do not exist yet; returns how many were created."""

    seed_references(staff["editor"])
    created = 0
    start = timezone.now() - timedelta(days=len(ARTICLES))
    for index, spec in enumerate(ARTICLES):
        if Article.objects.filter(slug=spec["slug"]).exists():
            continue
        now = start + timedelta(days=index)
        article = services.article_create(
            actor=staff["editor"],
            slug=spec["slug"],
            topic=spec["topic"],
            content=_content(spec),
            note="First draft",
            now=now,
        )
        _take_to_stage(article, spec, staff, now + timedelta(hours=1))
        created += 1
    return created
