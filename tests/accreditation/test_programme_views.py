"""Programme admins draft, edit and publish criteria versions; nobody else may."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accreditation.models import CriteriaVersion

pytestmark = pytest.mark.django_db

LIST = reverse("accreditation:criteria-version-list")


def version_url(number):
    return reverse("accreditation:criteria-version", kwargs={"number": number})


def test_only_programme_admins_see_the_criteria(
    client_for, programme_admin, reviewer, editor, outsider
):
    assert client_for(programme_admin).get(LIST).status_code == 200
    assert client_for(programme_admin).get(version_url(1)).status_code == 200
    for user in (reviewer, editor, outsider):
        assert client_for(user).get(LIST).status_code == 403
        assert client_for(user).get(version_url(1)).status_code == 403
        assert (
            client_for(user).post(LIST, {"action": "create", "create-title": "x"}).status_code
            == 403
        )
    assert client_for(programme_admin).get(version_url(99)).status_code == 404


def test_published_version_1_shows_its_criteria_and_no_edit_forms(client_for, programme_admin):
    html = client_for(programme_admin).get(version_url(1)).content.decode()
    assert 'id="criterion-C9"' in html
    assert "minimum_pdsa_cycles: 3" in html
    assert "it cannot change" in html
    assert "Add criterion" not in html


def test_draft_edit_and_publish_a_version(client_for, programme_admin):
    client = client_for(programme_admin)
    response = client.post(
        LIST,
        {"action": "create", "create-title": "Version two", "create-validity_months": "24",
         "create-copy_current": "on"},
    )  # fmt: skip
    assert response.status_code == 302 and response["Location"] == version_url(2)
    page = client.get(version_url(2) + "?edit=C7").content.decode()
    assert "Edit C7" in page
    response = client.post(
        version_url(2),
        {"action": "edit", "criterion": "C7", "edit-code": "C7", "edit-title": "Testing discipline",
         "edit-check_key": "testing", "edit-thresholds": '{"minimum_pdsa_cycles": 5}'},
    )  # fmt: skip
    assert response.status_code == 302
    bad = client.post(
        version_url(2),
        {"action": "add", "add-code": "C10", "add-title": "More", "add-thresholds": "[1]"},
    )
    assert bad.status_code == 200
    assert "must be named settings" in bad.content.decode()
    client.post(version_url(2), {"action": "remove", "criterion": "C9"})
    assert client.post(version_url(2), {"action": "publish"}).status_code == 302
    version = CriteriaVersion.objects.get(number=2)
    assert version.is_published and version.validity_months == 24
    assert version.criteria.get(code="C7").thresholds == {"minimum_pdsa_cycles": 5}
    assert not version.criteria.filter(code="C9").exists()
    refused = client.post(version_url(2), {"action": "remove", "criterion": "C8"})
    assert refused.status_code == 200
    assert version.criteria.filter(code="C8").exists()
