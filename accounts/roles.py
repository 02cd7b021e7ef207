"""The staff roles, held as Django groups.

Group names are the vocabulary the lifecycle speaks, defined once in core/roles.py.
`install_roles` takes an app registry so the data migration (historical models)
and test fixtures (after a flush) create exactly the same groups.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.management import create_permissions

from core.roles import ACCOUNT_MANAGER, EDITOR, PUBLISHER, REVIEWER
from core.roles import roles_of as roles_of

# Model permissions each role holds, as (app_label, codename). The lifecycle module
# decides the workflow actions; these permissions govern the admin site.
ROLE_PERMISSIONS = {
    EDITOR: [
        ("accounts", "view_profile"),
    ],
    REVIEWER: [
        ("accounts", "view_profile"),
    ],
    PUBLISHER: [
        ("accounts", "view_profile"),
        ("accounts", "change_profile"),
    ],
    ACCOUNT_MANAGER: [
        ("accounts", "view_profile"),
    ],
}


def active_members(role):
    """The active accounts holding `role`: who is told, or reminded, on that role's behalf."""
    return get_user_model().objects.filter(groups__name=role, is_active=True)


def install_roles(apps):
    """Create the role groups and give each its permissions (idempotent)."""

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for app_config in apps.get_app_configs():
        # Historical app configs carry no models module; create_permissions skips
        # such configs, so mark it for the call and put it back afterwards.
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = models_module
    for role, wanted in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        permissions = [
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in wanted
        ]
        group.permissions.add(*permissions)
