#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "editorial.settings")
    if "SECRET_KEY" not in os.environ and "DEBUG" not in os.environ:
        # A bare checkout on a developer's machine: commands run in development mode.
        # Production always sets SECRET_KEY (and the web, worker and beat processes
        # do not start through this file), so this never applies there.
        os.environ["DEBUG"] = "true"
    try:
        from django.core.management import execute_from_command_line  # noqa: PLC0415 - Django's own guard
    except ImportError as exc:
        raise ImportError(
            "Couldn't import Django. Are you sure it's installed and "
            "available on your PYTHONPATH environment variable? Did you "
            "forget to activate a virtual environment?"
        ) from exc
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
