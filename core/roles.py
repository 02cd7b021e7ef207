"""The staff roles' names, defined once: the Django groups people hold (accounts.roles)
and the vocabulary the lifecycle's rules speak (articles.lifecycle)."""

EDITOR = "Editor"
REVIEWER = "Reviewer"
PUBLISHER = "Publisher"
ALL_ROLES = (EDITOR, REVIEWER, PUBLISHER)
