"""Hostile request bodies (issue 19): whatever JSON, or not-JSON, is posted to any write endpoint
of the API, the answer is never a 500, a refusal is in the error shape, and a refusal writes
nothing. The nesting and size limits are checked before the body is parsed
(`alwaysevents.api.parsers`).
"""

from __future__ import annotations

import json
from io import BytesIO

import pytest
from django.urls import URLPattern, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.exceptions import APIException

from alwaysevents.api.parsers import SafeJSONParser, nesting_depth
from alwaysevents.tenancy.scope import organisation_scope
from measurement.models import ChangeIdea, DataPoint, Measure, PdsaCycle
from measurement.services import testing as testing_services
from tests.api.conftest import event_url, measure_url

SHAPE = {"code", "message", "field_errors"}
WRITE_METHODS = {"post", "put", "patch", "delete"}


def _api_write_routes() -> set[str]:
    """Every (url name, method) under /api/ whose view takes a body: the list to cover."""
    api = next(
        p
        for p in get_resolver().url_patterns
        if getattr(p, "app_name", None) == "api" or getattr(p, "namespace", None) == "api"
    )
    found = set()
    for pattern in api.url_patterns:
        assert isinstance(pattern, URLPattern)
        callback = pattern.callback
        view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        for method in WRITE_METHODS:
            if view is not None and hasattr(view, method):
                found.add(f"{pattern.name} {method.upper()}")
    return found


ROUTES = {
    "measure-list POST": lambda m: event_url(m.event, "measures/"),
    "data-points POST": lambda m: measure_url(m, "data-points/"),
    "pdsa-cycle-list POST": lambda m: event_url(m.event, "pdsa-cycles/"),
}


def test_every_write_endpoint_of_the_api_is_covered_here():
    assert _api_write_routes() == set(ROUTES)


# --- bodies ----------------------------------------------------------------------------------

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**200), max_value=10**200)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.decimals(allow_nan=False, allow_infinity=False).map(str)
    | st.text(max_size=30)
    | st.sampled_from(["2026-03-02", "2026-02-30", "0000-01-01", "=HYPERLINK(1)", "\ud800", ""])
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=15,
)


def _fields(*names: str) -> st.SearchStrategy:
    """Objects with the endpoint's own field names (plus strangers) and any values."""
    return st.dictionaries(st.sampled_from([*names, "x", ""]), json_values, max_size=len(names))


MEASURE_BODY = _fields(
    "name", "type", "definition", "value_kind", "frequency", "direction", "target", "chart_type",
    "screen_outliers", "fix_limits_after", "unit",
)  # fmt: skip
POINT = _fields("period", "value", "numerator", "denominator", "note")
POINTS_BODY = st.fixed_dictionaries(
    {"points": st.lists(POINT, max_size=4) | json_values},
    optional={"all_or_nothing": json_values},
)
PDSA_BODY = _fields(
    "change_idea", "objective", "planned_start", "purpose", "questions", "plan_who", "measures",
)  # fmt: skip
SHAPED = {
    "measure-list POST": MEASURE_BODY,
    "data-points POST": POINTS_BODY,
    "pdsa-cycle-list POST": PDSA_BODY,
}


def _deep(depth: int, open_: str, close: str, inner: str = "1") -> str:
    return open_ * depth + inner + close * depth


hostile_texts = st.one_of(
    st.integers(min_value=33, max_value=20_000).map(lambda n: _deep(n, "[", "]")),
    st.integers(min_value=33, max_value=5_000).map(lambda n: _deep(n, '{"a":', "}")),
    st.integers(min_value=1, max_value=5_000).map(
        lambda n: '{"points": ' + _deep(n, "[", "]") + "}"
    ),
    st.integers(min_value=1, max_value=3_000).map(
        lambda n: '{"points": [{"period": "2026-03-02", "value": ' + _deep(n, "[", "]") + "}]}"
    ),
    st.integers(min_value=1, max_value=5_000).map(lambda n: "[" * n),  # never closed
    st.integers(min_value=1, max_value=6_000).map(lambda n: '{"value": ' + "9" * n + "}"),
    st.sampled_from(
        [
            '{"points": [{"period": "2026-03-02", "value": 1e400}]}',
            '{"points": [{"period": "2026-03-02", "value": NaN}]}',
            '{"name": -Infinity}',
            '{"target": 1e-400}',
            '"\\ud800"',
            '{"a": "\\u0000"}',
            '{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}',
            '{"a": "\\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}',
            "",
            "null",
            "{",
            "}{",
            "[]]]]]]",
        ]
    ),
    st.text(max_size=60),
)


@st.composite
def bodies(draw, route: str) -> tuple[bytes, str]:
    """(body, content type): shaped JSON, any JSON, hostile text, or bytes that are not UTF-8."""
    kind = draw(st.sampled_from(["shaped", "any", "hostile", "bytes"]))
    if kind == "bytes":
        return draw(st.binary(max_size=60)), "application/json"
    if kind == "hostile":
        text = draw(hostile_texts)
    else:
        value = draw(SHAPED[route] if kind == "shaped" else json_values)
        text = json.dumps(value, ensure_ascii=draw(st.booleans()))
    charset = draw(st.sampled_from(["", "; charset=utf-8", "; charset=utf-16", "; charset=bz2"]))
    encoding = "utf-16" if "utf-16" in charset else "utf-8"
    return text.encode(encoding, "surrogatepass"), "application/json" + charset


# --- the properties ------------------------------------------------------------------------


@pytest.fixture
def world(db, measure, editor, api_for, settings):
    settings.API_RATE_LIMIT = "100000/min"
    testing_services.change_idea_add(event=measure.event, text="Try it", kind="relational", by=None)
    return {"measure": measure, "api": api_for(editor)}


def _counts(organisation) -> tuple[int, ...]:
    with organisation_scope(organisation):
        return tuple(m.objects.count() for m in (Measure, DataPoint, PdsaCycle, ChangeIdea))


def _check(world, route: str, body: bytes, content_type: str) -> None:
    measure = world["measure"]
    before = _counts(measure.organisation)
    # generic(): post() would re-encode the bytes in the charset the content type names.
    response = world["api"].generic(
        "POST", ROUTES[route](measure), data=body, content_type=content_type
    )
    assert response.status_code < 500, response.content[:300]
    if response.status_code >= 400:
        assert set(response.json()) == SHAPE or (
            route == "data-points POST" and response.status_code == 422
        ), response.content[:300]
        assert _counts(measure.organisation) == before, "a refusal wrote something"


def _property(route: str):
    @settings(
        max_examples=30,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(sent=bodies(route))
    def test(world, sent):
        _check(world, route, *sent)

    return test


test_any_body_to_measure_create_is_never_a_500 = _property("measure-list POST")
test_any_body_to_data_points_is_never_a_500 = _property("data-points POST")
test_any_body_to_pdsa_cycle_create_is_never_a_500 = _property("pdsa-cycle-list POST")


# --- the limits, one by one ----------------------------------------------------------------


@pytest.mark.parametrize("route", sorted(ROUTES))
@pytest.mark.parametrize(
    "body",
    [
        _deep(5_000, "[", "]"),
        '{"points": ' + _deep(3_000, "[", "]") + "}",
        '{"points": [' + _deep(3_000, '{"a":', "}") + "]}",
    ],
)
def test_deep_nesting_is_400_before_parsing(world, route, body):
    measure = world["measure"]
    before = _counts(measure.organisation)
    response = world["api"].post(ROUTES[route](measure), data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "code": "parse_error",
        "message": "The JSON nests lists and objects more than 32 levels deep.",
        "field_errors": {},
    }
    assert _counts(measure.organisation) == before


def test_the_depth_limit_is_a_setting_and_the_limit_itself_is_allowed(world, settings):
    settings.API_JSON_MAX_DEPTH = 3
    url = measure_url(world["measure"], "data-points/")
    at_limit = {"points": [{"period": "2026-03-02", "value": 4}]}  # depth 3
    assert world["api"].post_json(url, at_limit).status_code == 200
    over = {"points": [{"period": "2026-03-09", "value": [4]}]}  # depth 4
    response = world["api"].post_json(url, over)
    assert response.status_code == 400
    assert "more than 3 levels deep" in response.json()["message"]


def test_a_body_over_the_size_limit_without_a_content_length_is_413(world, settings):
    """Content-Length is checked first (ApiView.initial); the parser reads at most the limit
    whatever the header says."""
    settings.API_MAX_BODY_BYTES = 2_000
    with pytest.raises(APIException) as refused:
        SafeJSONParser().parse(BytesIO(b'{"a": "' + b"x" * 5_000 + b'"}'))
    assert refused.value.status_code == 413


def test_numbers_no_column_can_hold_are_400(world):
    url = measure_url(world["measure"], "data-points/")
    for value in ("1e400", "NaN", "-Infinity"):
        body = '{"points": [{"period": "2026-03-02", "value": ' + value + "}]}"
        response = world["api"].post(url, data=body, content_type="application/json")
        assert response.status_code == 400, value
        assert response.json()["code"] == "parse_error"
    assert _counts(world["measure"].organisation)[1] == 0


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("1", 0),
        ("[]", 1),
        ('{"a": [1, {"b": []}]}', 4),
        ('["[[[[", "]]]]"]', 1),
        ('{"a\\"[[": "\\\\"}', 1),
        ('"[[[["', 0),
        ("[[]][[[]]]", 3),
    ],
)
def test_nesting_depth_counts_brackets_outside_strings(text, depth):
    assert nesting_depth(text) == depth


@given(value=json_values)
@settings(max_examples=200, deadline=None)
def test_nesting_depth_agrees_with_the_parsed_value(value):
    def depth(v):
        if isinstance(v, list):
            return 1 + max((depth(c) for c in v), default=0)
        if isinstance(v, dict):
            return 1 + max((depth(c) for c in v.values()), default=0)
        return 0

    assert nesting_depth(json.dumps(value)) == depth(value)
    assert nesting_depth(json.dumps(value, ensure_ascii=False)) == depth(value)


def _reference_depth(text: str) -> int:
    """The slow, obvious scan: strings (a backslash takes the next character) hide brackets."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


@given(text=st.text(alphabet='"\\[]{}a,:', max_size=80))
@settings(max_examples=300, deadline=None)
def test_nesting_depth_agrees_with_a_plain_scan_on_any_text(text):
    assert nesting_depth(text) == _reference_depth(text)


@pytest.mark.parametrize(
    "text",
    [
        '"' + '\\"[' * 600_000,  # one unterminated string: once quadratic in the scan
        '"' + '\\"a' * 600_000 + "\\",
        '"' * 2_000_000,
        '"",' * 600_000,
    ],
)
def test_a_hostile_body_up_to_the_size_limit_is_scanned_in_one_pass(text):
    assert nesting_depth(text) == _reference_depth(text) == 0
