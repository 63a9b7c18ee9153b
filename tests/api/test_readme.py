"""The README's curl example works as written: each JSON body is accepted, in order."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.api.conftest import base

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[2] / "README.md"


def example_requests():
    text = README.read_text()
    section = text.split("## The API: send data in, read progress out", 1)[1].split("\n## ", 1)[0]
    script = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    bodies = [json.loads(body) for body in re.findall(r"-d '\n?(.*?)'", script, re.S)]
    paths = re.findall(r"\$AE(/organisations/\S*)", script)
    return script, bodies, paths


def test_the_readme_example_sends_a_month_and_reads_the_analysis(event, viewer, api_for):
    script, (measure_body, data_body), paths = example_requests()
    assert "$AE/organisations/$ORG/events/$EVENT/measures/$MEASURE/analysis/" in script
    assert len(paths) == 5
    api = api_for(viewer)
    assert api.get("/api/v1/organisations/").status_code == 200
    org = base(event.organisation)
    assert api.get(f"{org}/events/").json()["results"][0]["id"] == event.pk

    created = api.post_json(f"{org}/events/{event.pk}/measures/", measure_body)
    assert created.status_code == 201, created.json()
    measure = created.json()["id"]
    url = f"{org}/events/{event.pk}/measures/{measure}/"

    sent = api.post_json(f"{url}data-points/", data_body).json()
    assert sent["rejected"] == [] and len(sent["created"]) == 5
    assert {p["period"][:7] for p in data_body["points"]} == {"2026-03"}

    analysis = api.get(f"{url}analysis/")
    assert analysis.status_code == 200
    assert len(analysis.json()["points"]) == 5 and analysis.json()["variation_icon"]
