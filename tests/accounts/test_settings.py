"""Settings come from the environment and fail loudly on bad values."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "x9!kQ2#vLr8@pT4$zW7^bN1&cM5*hJ3(gF6)dS0_aE2+yU8=oI4-lK7~eR1;tY9",
    "ALLOWED_HOSTS": "reviews.example.org",
    "HTTPS": "true",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/imprimatur",
    "AUDIT_KEY": "kq2-vLr8-pT4z-W7bN-1cM5-hJ3g-F6dS-0aE2-yU8o",
}


def clean_environment():
    """This process's environment less what the test run itself sets."""
    dropped = {*PRODUCTION_ENV, "DJANGO_ALLOW_ASYNC_UNSAFE", "CELERY_BROKER_URL"}
    return {key: value for key, value in os.environ.items() if key not in dropped}


def run_django(code, **env):
    clean = clean_environment()
    clean.update(env, DJANGO_SETTINGS_MODULE="editorial.settings")
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "variable, value",
    [
        ("DEBUG", "maybe"),
        ("EMAIL_PORT", "twenty-five"),
        ("DATABASE_URL", "nosuchdb://where"),
        ("CELERY_BROKER_URL", "ftp://broker"),
        ("SECURE_HSTS_SECONDS", "-5"),
        ("LOG_LEVEL", "LOUD"),
        ("EMAIL_USE_TLS", "sometimes"),
        ("PROXY_COUNT", "-1"),
        ("AUDIT_KEY", "too-short"),
        ("AUDIT_RETIRED_KEYS", "1"),
        ("LOCKOUT_FAILURES", "0"),
        ("LOCKOUT_MINUTES", "a quarter of an hour"),
        ("PUBLIC_PAGE_RECHECK_MS", "5000"),
    ],
)
def test_a_malformed_variable_stops_start_up_naming_it(variable, value):
    result = run_django("print('started')", **{**PRODUCTION_ENV, variable: value})
    assert result.returncode != 0
    assert "started" not in result.stdout
    assert variable in result.stderr


def test_the_audit_key_is_required_when_debug_is_off():
    env = {**PRODUCTION_ENV}
    del env["AUDIT_KEY"]
    result = run_django("print('started')", **env)
    assert result.returncode != 0
    assert "AUDIT_KEY must be set" in result.stderr


def test_secret_key_is_required_when_debug_is_off():
    env = {**PRODUCTION_ENV}
    del env["SECRET_KEY"]
    result = run_django("print('started')", **env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_first_run_needs_no_settings_with_debug_on():
    result = run_django(
        "from django.conf import settings; "
        "print(settings.DATABASES['default']['ENGINE'], settings.CELERY_TASK_ALWAYS_EAGER)",
        DEBUG="true",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True"]


def test_check_deploy_reports_only_what_the_readme_explains():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env={**clean_environment(), **PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "editorial.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # HSTS preload is a commitment each deployment makes for itself (SECURE_HSTS_PRELOAD).
    assert "identified 1 issue" in result.stderr + result.stdout
    assert "security.W021" in result.stderr + result.stdout
    assert "security.W021" in (ROOT / "README.md").read_text()


def test_check_deploy_is_clean_when_hsts_preload_is_chosen():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **clean_environment(),
            **PRODUCTION_ENV,
            "SECURE_HSTS_PRELOAD": "true",
            "DJANGO_SETTINGS_MODULE": "editorial.settings",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_the_lockout_settings_reach_django_axes():
    code = (
        "from axes.helpers import get_cool_off, get_failure_limit; "
        "print(get_failure_limit(None, None), get_cool_off(None).total_seconds())"
    )
    result = run_django(code, **PRODUCTION_ENV, LOCKOUT_FAILURES="3", LOCKOUT_MINUTES="30")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["3", "1800.0"]
