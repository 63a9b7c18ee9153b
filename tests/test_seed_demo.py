from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

from alwaysevents.tenancy.scope import across_organisations
from programmes.models import Cohort, Invitation, Membership, Organisation, RoleChange

pytestmark = pytest.mark.django_db

SIGN_INS = {
    "admin@programme.example": None,
    "reviewer@programme.example": None,
    **{
        f"{local}@{slug}.example": (slug, role)
        for slug in ("northfield", "riverside")
        for local, role in (
            ("lead", "team_lead"),
            ("staff", "team_member"),
            ("sponsor", "executive_sponsor"),
            ("orgadmin", "organisation_admin"),
        )
    },
}


def snapshot():
    with across_organisations():
        return {
            "users": sorted(get_user_model().objects.values_list("email", "password")),
            "organisations": sorted(
                Organisation.objects.values_list("slug", "name", "cohort__name")
            ),
            "cohorts": Cohort.objects.count(),
            "memberships": sorted(
                Membership.objects.values_list("organisation__slug", "user__email", "role")
            ),
            "role_changes": RoleChange.objects.count(),
            "emails": EmailAddress.objects.filter(verified=True).count(),
            "invitations": Invitation.objects.count(),
        }


def test_seed_demo_creates_the_published_sign_ins(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "demo-password-2026" in out
    assert Cohort.objects.count() == 2
    assert Organisation.objects.count() >= 3
    assert {"northfield", "riverside"} <= set(Organisation.objects.values_list("slug", flat=True))
    for email, membership in SIGN_INS.items():
        assert email in out
        user = authenticate(username=email, password="demo-password-2026")
        assert user is not None, email
        assert EmailAddress.objects.filter(user=user, email=email, verified=True).exists()
        if membership is None:
            continue
        slug, role = membership
        with across_organisations():
            assert Membership.objects.get(user=user, organisation__slug=slug).role == role
    admin = get_user_model().objects.get(email="admin@programme.example")
    reviewer = get_user_model().objects.get(email="reviewer@programme.example")
    assert admin.is_programme_admin and not admin.is_reviewer
    assert reviewer.is_reviewer and not reviewer.is_programme_admin


def test_seed_demo_twice_changes_nothing():
    call_command("seed_demo")
    first = snapshot()
    call_command("seed_demo")
    assert snapshot() == first


def test_seed_demo_scale_adds_organisations_of_the_same_shape_once():
    call_command("seed_demo")
    before = Organisation.objects.count()
    call_command("seed_demo", scale=5)
    assert Organisation.objects.count() == before + 5
    with across_organisations():
        generated = Membership.objects.filter(organisation__slug__startswith="generated-")
        assert generated.count() == 5 * 4
        assert set(generated.values_list("role", flat=True)) == {
            "team_lead",
            "team_member",
            "executive_sponsor",
            "organisation_admin",
        }
    first = snapshot()
    call_command("seed_demo", scale=5)
    assert snapshot() == first
    call_command("seed_demo", scale=7)
    assert Organisation.objects.count() == before + 7
