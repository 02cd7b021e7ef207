class DomainError(Exception):
    """A refusal with a message meant for the person who asked; views show `.message` on a 4xx page."""

    default_message = ""

    def __init__(self, message=None):
        message = self.default_message if message is None else message
        super().__init__(message)
        self.message = message


class TransitionNotAllowed(DomainError):
    """A domain refusal with a message meant for the person who asked. `problems` are the
    itemised reasons when there are several (e.g. each citation problem), for a page or an
    API answer to list once beside a short message."""

    def __init__(self, message=None, problems=()):
        super().__init__(message)
        self.problems = tuple(problems)
