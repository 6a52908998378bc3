"""RequestModel refuses text Postgres cannot store, wherever a request holds it."""

from decimal import Decimal
from typing import Annotated, Any

import pytest
from pydantic import SecretStr, ValidationError

from kit.fields import BoundedDate, Numeric, UtcDatetime
from kit.schemas import RequestModel


class Item(RequestModel):
    label: str


class Body(RequestModel):
    name: str = "ok"
    config: dict[str, Any] = {}
    item: Item | None = None
    items: list[Item] = []
    secret: SecretStr | None = None
    ratio: float | None = None
    amount: Annotated[Decimal, Numeric(18, 2, ge=0)] | None = None
    day: BoundedDate | None = None
    at: UtcDatetime | None = None


def errors(data: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    with pytest.raises(ValidationError) as caught:
        Body.model_validate(data)
    return [(e["loc"], e["type"]) for e in caught.value.errors()]


@pytest.mark.parametrize(
    ("data", "loc"),
    [
        ({"name": "a\x00b"}, ("name",)),
        ({"item": {"label": "\x00"}}, ("item", "label")),
        ({"items": [{"label": "ok"}, {"label": "x\x00"}]}, ("items", 1, "label")),
        ({"config": {"a": {"b": ["ok", "\x00"]}}}, ("config", "a", "b", 1)),
        ({"config": {"k\x00": 1}}, ("config", "[key]")),
        ({"secret": "s\x00"}, ("secret",)),
    ],
)
def test_nul_anywhere_is_an_error_at_its_field(data: dict[str, Any], loc: tuple[Any, ...]) -> None:
    assert errors(data) == [(loc, "string_nul")]


def test_lone_surrogates_are_refused_even_where_any_value_is_allowed() -> None:
    assert errors({"config": {"a": "\ud800"}}) == [(("config", "a"), "string_unpaired_surrogate")]


def test_the_error_does_not_echo_the_value() -> None:
    with pytest.raises(ValidationError) as caught:
        Body.model_validate({"secret": "hunter2\x00"})
    assert "hunter2" not in str(caught.value)


def test_deep_nesting_is_refused_without_recursion() -> None:
    deep: Any = "x"
    for _ in range(5000):
        deep = [deep]
    assert errors({"config": {"a": deep}})[0][1] == "too_deeply_nested"


def test_every_error_is_reported_and_valid_text_passes() -> None:
    found = errors({"name": "\x00", "item": {"label": "\x00"}})
    assert {loc for loc, _ in found} == {("name",), ("item", "label")}
    ok = Body.model_validate({"name": "Ünïcode ✓ 😀", "config": {"a": ["b", 1, None]}})
    assert ok.name == "Ünïcode ✓ 😀"


def test_keyword_construction_is_checked_too() -> None:
    with pytest.raises(ValidationError):
        Item(label="a\x00")


@pytest.mark.parametrize("value", [float("nan"), float("inf"), "NaN", "-Infinity"])
def test_numbers_must_be_finite(value: Any) -> None:
    assert errors({"ratio": value}) == [(("ratio",), "finite_number")]
