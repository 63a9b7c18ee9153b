"""The NHS error pattern on every page (issue 16, item 3): a form with errors puts "There is a
problem" at the top of the page, each error a link to its field, and "Error: " before the title.
"""

from __future__ import annotations

import re

import pytest
from django import forms
from django.urls import reverse

from alwaysevents.templatetags.form_problems import Problem, problems_of

TITLE = re.compile(r"<title>(.*?)</title>", re.S)
SUMMARY = re.compile(r'<div class="nhsuk-error-summary".*?</ul>', re.S)
LINK = re.compile(r'<a href="#([^"]+)">([^<]+)</a>')


class Example(forms.Form):
    name = forms.CharField(error_messages={"required": "Enter the partner's name"})
    choice = forms.ChoiceField(
        choices=[("a", "A"), ("b", "B")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose A or B"},
    )
    kind = forms.CharField(widget=forms.HiddenInput, error_messages={"required": "No kind"})

    def clean(self):
        raise forms.ValidationError("Something about the whole form")


def test_each_error_links_to_its_fields_first_input_and_form_wide_ones_to_the_first_field():
    form = Example(data={}, prefix="vision")
    assert problems_of([form]) == [
        Problem("Enter the partner's name", "id_vision-name"),
        Problem("Choose A or B", "id_vision-choice_0"),  # a radio group: its first option
        Problem("No kind", "id_vision-name"),  # a hidden field: the first visible one
        Problem("Something about the whole form", "id_vision-name"),
    ]


def test_forms_are_found_in_dicts_lists_and_tuples_once_and_unbound_ones_are_not():
    bound = Example(data={"name": "Ann", "choice": "a", "kind": "k"})
    unbound = Example()
    found = problems_of([{"forms": {"a": bound, "b": unbound}}, [("label", bound)], bound])
    assert found == [Problem("Something about the whole form", "id_name")]
    assert problems_of([unbound, {"x": unbound}, "text", 3, None]) == []


def summary_of(response) -> tuple[str, list[tuple[str, str]]]:
    content = response.content.decode()
    title = " ".join(TITLE.search(content).group(1).split())
    block = SUMMARY.search(content)
    links = LINK.findall(block.group(0)) if block else []
    for target, _ in links:  # every link goes to something on the page
        assert f'id="{target}"' in content, target
    return title, [(target, message) for target, message in links]


@pytest.mark.django_db
def test_a_refused_vision_puts_the_problem_at_the_top_linked_to_the_box(
    client_for, organisation, editor, event
):
    url = reverse("programmes:event-vision", kwargs={"org_slug": organisation.slug, "pk": event.pk})
    client = client_for(editor)
    title, links = summary_of(client.get(url))
    assert not title.startswith("Error: ") and links == []
    response = client.post(url, {"vision_statement": "A plan."})
    title, links = summary_of(response)
    assert title == "Error: Vision statement \u2013 Plan for the day \u2013 Always Events®"
    assert links == [
        (
            "id_vision_statement",
            "Write the vision in patients&#x27; own words, starting &quot;I will always&quot; or "
            "&quot;We will always&quot;.",
        )
    ]
    assert response.content.decode().count("There is a problem") == 1


@pytest.mark.django_db
def test_a_page_of_one_form_gets_the_summary_too(client_for, organisation, editor, event):
    url = reverse("programmes:event-update", kwargs={"org_slug": organisation.slug, "pk": event.pk})
    title, links = summary_of(client_for(editor).post(url, {"title": "", "service": ""}))
    assert title.startswith("Error: ")
    assert ("id_title", links[0][1]) == links[0]
