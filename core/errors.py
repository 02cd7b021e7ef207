class DomainError(Exception):
    """A refusal with a message meant for the person who asked; views show `.message` on a 4xx page."""

    default_message = ""

    def __init__(self, message=None):
        message = self.default_message if message is None else message
        super().__init__(message)
        self.message = message


class TransitionNotAllowed(DomainError):
    """A domain refusal with a message meant for the person who asked."""
