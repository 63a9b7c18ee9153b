"""Uploaded files in an S3-compatible bucket: a real S3 server (moto's) on loopback.

Receipts and evidence are saved, read, streamed and deleted through the bucket; nothing is
public; `/healthz` reports the bucket; `move_files_to_bucket` moves files kept on a machine's
disk; and two web processes with different `VAR_DIR`s serve each other's uploads.
"""

from __future__ import annotations

import re
import subprocess
import uuid
from io import BytesIO, StringIO

import boto3
import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from moto.server import ThreadedMotoServer

from accreditation.models.submissions import EvidenceStorage
from coproduction.models.payments import ReceiptStorage
from tests.accreditation import builders as b
from tests.celery_workers import ROOT, redis_url, stop_worker, worker_env
from tests.factories import PASSWORD
from tests.test_gunicorn import free_port, gunicorn, wait_until_up

PDF = b"%PDF-1.4\n" + b"x" * 200_000 + b"\n%%EOF\n"
KEYS = {"access_key": "testing-key", "secret_key": "testing-secret"}


@pytest.fixture(scope="session")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings, tmp_path):
    """A new bucket, and the settings that put the private files in it."""
    name = f"files-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="eu-west-2",
        aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"],
    )
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    settings.VAR_DIR = tmp_path
    settings.PRIVATE_FILES_S3 = {
        "bucket_name": name,
        "endpoint_url": s3_endpoint,
        "region_name": "eu-west-2",
        "addressing_style": "path",
        **KEYS,
    }
    return client, name


def keys(client, name) -> list[str]:
    listing = client.list_objects_v2(Bucket=name)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def test_files_are_saved_read_and_deleted_in_the_bucket_under_their_kind(bucket, tmp_path):
    client, name = bucket
    receipts, evidence = ReceiptStorage(), EvidenceStorage()
    saved = receipts.save("northfield/1/receipt.pdf", ContentFile(PDF))
    evidence.save("northfield/1/case.pdf", ContentFile(b"%PDF-1.4 evidence"))
    assert keys(client, name) == ["evidence/northfield/1/case.pdf", f"receipts/{saved}"]
    assert receipts.exists(saved) and receipts.size(saved) == len(PDF)
    with receipts.open(saved) as handle:
        assert handle.read() == PDF
    # Saving under a name in use keeps both (nothing is overwritten).
    second = receipts.save("northfield/1/receipt.pdf", ContentFile(b"%PDF-1.4 another"))
    assert second != saved and receipts.exists(second)
    receipts.delete(saved)
    assert not receipts.exists(saved)
    assert not (tmp_path / "private").exists()  # nothing on this machine's disk


def test_nothing_in_the_bucket_is_public(bucket):
    client, name = bucket
    saved = ReceiptStorage().save("northfield/1/receipt.pdf", ContentFile(PDF))
    grants = client.get_object_acl(Bucket=name, Key=f"receipts/{saved}")["Grants"]
    assert all("AllUsers" not in str(grant["Grantee"]) for grant in grants)
    with pytest.raises(ValueError, match="no public address"):
        ReceiptStorage().url(saved)
    anonymous = requests.get(f"{client.meta.endpoint_url}/{name}/receipts/{saved}", timeout=10)
    assert anonymous.status_code == 403


@pytest.mark.django_db
def test_evidence_uploaded_to_the_bucket_is_streamed_to_those_who_may_read_it(
    bucket, client_for, organisation, editor, viewer, sponsor
):
    from accreditation import services
    from tests.accreditation.test_views import download_url, url

    client, name = bucket
    draft = services.submission_create(event=b.make_event(organisation, editor, sponsor), by=editor)
    c9 = draft.criteria_version.criteria.get(code="C9")
    response = client_for(editor).post(
        url("submission-detail", draft),
        {
            "action": "evidence_file",
            "evidence_file-title": "Our case study",
            "evidence_file-criterion": str(c9.pk),
            "evidence_file-file": ContentFile(PDF, name="case.pdf"),
        },
    )
    assert response.status_code == 302
    item = draft.evidence.model.objects.with_scope(organisation=draft.organisation_id).get()
    assert keys(client, name) == [f"evidence/{item.file.name}"]
    for user in (editor, viewer, sponsor):
        download = client_for(user).get(download_url(item))
        assert download.status_code == 200
        assert download.streaming
        assert b"".join(download.streaming_content) == PDF


@pytest.mark.django_db
def test_healthz_reports_the_bucket(bucket, client, settings):
    assert client.get("/healthz").json()["checks"]["storage"] == "ok"
    settings.PRIVATE_FILES_S3 = {**settings.PRIVATE_FILES_S3, "bucket_name": "no-such-bucket"}
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == "unavailable"
    assert "no-such-bucket" not in response.content.decode()


def test_files_kept_on_a_machine_are_moved_into_the_bucket(bucket, settings, tmp_path):
    client, name = bucket
    on_disk = {
        tmp_path / "private/receipts/northfield/3/a.pdf": PDF,
        tmp_path / "private/evidence/riverside/7/b.pdf": b"%PDF-1.4 b",
    }
    for path, content in on_disk.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    out = StringIO()
    call_command("move_files_to_bucket", stdout=out)
    assert keys(client, name) == ["evidence/riverside/7/b.pdf", "receipts/northfield/3/a.pdf"]
    assert client.get_object(Bucket=name, Key="receipts/northfield/3/a.pdf")["Body"].read() == PDF
    assert not any(path.exists() for path in on_disk)
    assert "Moved 2 files" in out.getvalue()
    again = StringIO()
    call_command("move_files_to_bucket", stdout=again)  # nothing left: nothing to do
    assert "Moved 0 files" in again.getvalue()


def test_moving_files_needs_a_bucket(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.PRIVATE_FILES_S3 = {"bucket_name": ""}
    with pytest.raises(CommandError, match="AWS_STORAGE_BUCKET_NAME"):
        call_command("move_files_to_bucket", stdout=StringIO())


# --- two web processes ----------------------------------------------------------------------


def csrf_token(html: str) -> str:
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert token, html[:500]
    return token.group(1)


def sign_in(session: requests.Session, base: str, email: str) -> None:
    """Through the real sign-in form, as a person would."""
    page = session.get(f"{base}/accounts/login/", timeout=30)
    signed_in = session.post(
        f"{base}/accounts/login/",
        data={"csrfmiddlewaretoken": csrf_token(page.text), "login": email, "password": PASSWORD},
        headers={"Referer": f"{base}/accounts/login/"},
        allow_redirects=False,
        timeout=30,
    )
    assert signed_in.status_code == 302, re.sub(r"<[^>]+>", " ", signed_in.text)


@pytest.fixture
def two_web_processes(bucket, tmp_path):
    _, name = bucket
    from django.conf import settings

    s3 = settings.PRIVATE_FILES_S3
    processes, bases = [], []
    for n in (1, 2):
        port = free_port()
        env = {
            **worker_env(redis_url(), tmp_path / f"web{n}"),
            "WEB_CONCURRENCY": "1",
            # The collected static files are part of the release (the image), not a machine's
            # state: both processes serve the ones `make test` collected.
            "STATIC_ROOT": str(settings.STATIC_ROOT),
            "AWS_STORAGE_BUCKET_NAME": name,
            "AWS_S3_ENDPOINT_URL": s3["endpoint_url"],
            "AWS_S3_REGION_NAME": s3["region_name"],
            "AWS_ACCESS_KEY_ID": s3["access_key"],
            "AWS_SECRET_ACCESS_KEY": s3["secret_key"],
        }
        processes.append(
            subprocess.Popen(
                gunicorn("--bind", f"127.0.0.1:{port}"),
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                start_new_session=True,
            )
        )
        bases.append(f"http://127.0.0.1:{port}")
    try:
        for base, process in zip(bases, processes, strict=True):
            wait_until_up(f"{base}/healthz", process)
        yield bases
    finally:
        for process in processes:
            print(stop_worker(process))


@pytest.mark.django_db(transaction=True)
def test_two_web_processes_serve_each_others_uploads(
    two_web_processes, organisation, editor, sponsor
):
    from accreditation import services
    from tests.accreditation.test_views import download_url, url

    first, second = two_web_processes
    # Version 1 comes from a data migration, which an earlier transactional test may have flushed.
    services.criteria_version_seed()
    draft = services.submission_create(event=b.make_event(organisation, editor, sponsor), by=editor)
    c9 = draft.criteria_version.criteria.get(code="C9")
    # The web processes check passwords with the production hashers (the tests' is faster).
    editor.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    editor.save(update_fields=["password"])
    session = requests.Session()
    sign_in(session, first, editor.email)
    page = session.get(first + url("submission-detail", draft), timeout=30)
    assert page.status_code == 200, page.text[:500]
    sent = session.post(
        first + url("submission-detail", draft),
        data={
            "csrfmiddlewaretoken": csrf_token(page.text),
            "action": "evidence_file",
            "evidence_file-title": "Our case study",
            "evidence_file-criterion": str(c9.pk),
        },
        files={"evidence_file-file": ("case.pdf", BytesIO(PDF), "application/pdf")},
        headers={"Referer": first + url("submission-detail", draft)},
        allow_redirects=False,
        timeout=30,
    )
    assert sent.status_code == 302, sent.text[:500]
    item = draft.evidence.model.objects.with_scope(organisation=draft.organisation_id).get()
    download = session.get(second + download_url(item), timeout=30)
    assert download.status_code == 200
    assert download.content == PDF
