"""Driving the import pages as a browser does: the file's preview and its import run as
jobs, whose tasks start when the request's transaction commits; a test's transaction
never commits, so these run the callbacks it would have run (in-process, as without a
broker)."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

IMPORT_URL = "/desk/references/import/"


def post_running_jobs(client, url, data, **extra):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, data, **extra)


def _job_page(client, response):
    """The job page a started job redirects to; a refusal as it came."""
    return client.get(response.url) if response.status_code == 302 else response


def upload(client, data, name="refs.ris", fmt="", **extra):
    """The job page of the file's preview, finished (or the upload page that refused it)."""
    return _job_page(
        client, post_running_jobs(client, IMPORT_URL, {"file": SimpleUploadedFile(name, data), "format": fmt}, **extra)
    )


def confirm_url(page):
    return re.search(r'action="(/desk/references/import/jobs/[0-9a-f-]+/confirm/)"', page).group(1)


def confirm_fields(page):
    """The key fields of a preview, as filled in."""
    return dict(re.findall(r'name="(key-\d+)"[^>]*value="([^"]*)"', page))


def confirm(client, preview_page, fields=None, **extra):
    """The job page of the import a preview's button starts (or the refusal)."""
    return _job_page(client, post_running_jobs(client, confirm_url(preview_page), fields or {}, **extra))


def upload_and_import(client, data, name="refs.ris"):
    return confirm(client, upload(client, data, name).content.decode())
