import sys

from django.core.management.base import BaseCommand
from django.db.models import F

from articles.audit import (
    TrailCount,
    other_chain_problems,
    public_facts_problem,
    thread_out_of_step,
    trail_problems,
    unrecorded_signature,
)
from articles.models import Article, AuditChain, Event, Signature

CHUNK = 5000


class Command(BaseCommand):
    help = (
        "Check the whole audit trail: every event's keyed hash and link, no gap in any "
        "chain, each chain's head, each article's state, an approval event for every "
        "signature, and each review thread's resolution. Exits 1 naming the first problem."
    )

    def handle(self, *args, **options):
        events = Event.objects.filter(article__isnull=False).order_by("article_id", "seq").iterator(chunk_size=CHUNK)
        articles = (
            Article.objects.order_by("pk")
            .values_list("pk", "slug", "state", "audit_head_id", "audit_head_hash", "published_version_id")
            .iterator(chunk_size=CHUNK)
        )
        count = TrailCount()
        try:
            problem = next(trail_problems(events, articles, count), None)
        finally:
            # Close the server-side cursors now, not whenever the generators are collected.
            events.close()
            articles.close()
        if problem is None:
            others = Event.objects.filter(article__isnull=True).order_by("chain", "seq").iterator(chunk_size=CHUNK)
            heads = {
                name: (head_id, head_hash)
                for name, head_id, head_hash in AuditChain.objects.values_list("name", "head_id", "head_hash")
            }
            try:
                problem = next(other_chain_problems(others, heads, count), None)
            finally:
                others.close()
        if problem is None:
            signature = unrecorded_signature()
            if signature is not None:
                problem = (
                    f"signature {signature.pk} by {signature.printed_name} on version {signature.version_id}"
                    " has no approval event"
                )
        if problem is None:
            problem = _public_facts_problem()
        if problem is None and (thread := thread_out_of_step()) is not None:
            state = "resolved" if thread.resolved_at else "open"
            problem = (
                f"review thread {thread.pk} on article {thread.review_round.article_id} is {state}, but its"
                " trail does not leave it so: it was resolved or reopened behind the application"
            )
        if problem:
            self.stderr.write(f"Audit trail broken: {problem}")
            sys.exit(1)
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit trail intact ({count.events} events, {count.articles} articles, {count.chains} other chains)."
            )
        )


def _public_facts_problem():
    live = (
        Article.objects.filter(published_version__isnull=False)
        .order_by("pk")
        .values_list("pk", "slug", "approvals_required", "public_approved", "public_reviewers")
        .iterator(chunk_size=CHUNK)
    )
    approvals = (
        Signature.objects.filter(
            kind=Signature.APPROVAL,
            version__article__published_version=F("version"),
            content_hash=F("version__content_hash"),
        )
        .order_by("version__article_id", "pk")
        .values_list("version__article_id", "signer_id", "printed_name", "conflict_interests")
        .iterator(chunk_size=CHUNK)
    )
    try:
        return public_facts_problem(live, approvals)
    finally:
        live.close()
        approvals.close()
