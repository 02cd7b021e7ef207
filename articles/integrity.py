"""Signed content is re-proved, not remembered.

A version's `content_hash` is what reviewers signed. Before anything relies on it
(approving, publishing, showing a page as reviewed) the hash is computed again from
the content and the frozen references themselves, and the stored bytes of every figure
file it shows are hashed again, so a row changed behind the
application's back is caught instead of being served under "Reviewed by".
"""

from articles.models import Signature, content_hash
from figures.processing import changed_files


def verify_version_content(version):
    """None when `version`'s stored content still hashes to its recorded hash; else a
    sentence naming the version, meant for staff (and logs)."""
    actual = content_hash(version.canonical_content())
    if actual == version.content_hash:
        return _figure_files_problem(version)
    return (
        f"Version {version.number}'s stored content does not match its recorded hash "
        f"(recorded {version.content_hash[:12]}…, the content now hashes to {actual[:12]}…): it was changed "
        "outside the editorial desk, so it cannot be approved, published or shown as reviewed."
    )


def verify_signed_content(version):
    """verify_version_content(), and every approval signed for the version names the
    hash its content has now: what a public page is rendered from (see public.changes).
    None when both hold; else a sentence for staff."""
    problem = verify_version_content(version)
    if problem is not None:
        return problem
    signed = Signature.objects.filter(version=version, kind=Signature.APPROVAL).values_list(
        "printed_name", "content_hash"
    )
    for printed_name, signed_hash in signed:
        if signed_hash != version.content_hash:
            return (
                f"Version {version.number}'s content does not match the hash {printed_name} signed "
                f"(signed {signed_hash[:12]}…, the content hashes to {version.content_hash[:12]}…)."
            )
    return None


def _figure_files_problem(version):
    """None when every figure file of the version still has the bytes it was signed
    with; else a sentence naming the files."""
    changed = changed_files(version.figures)
    if not changed:
        return None
    return (
        f"Version {version.number}'s figure files do not match the hashes it was saved with "
        f"({', '.join(changed)} changed or missing): they were changed outside the editorial desk, "
        "so it cannot be approved, published or shown as reviewed."
    )
