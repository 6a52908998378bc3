"""Base schemas: strict request bodies, attribute-reading responses, one page type for lists."""

from typing import Any, Generic, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    ValidationError,
    ValidatorFunctionWrapHandler,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from kit.text import unstorable

T = TypeVar("T")

_PROBLEMS = {
    "nul": PydanticCustomError("string_nul", "Text must not contain a NUL character (\\u0000)"),
    "surrogate": PydanticCustomError(
        "string_unpaired_surrogate", "Text must not contain an unpaired surrogate (\\ud800-\\udfff)"
    ),
    "depth": PydanticCustomError("too_deeply_nested", "The value is nested too deeply"),
}


class RequestModel(BaseModel):
    """What a client sends. Unknown fields are an error, not silently dropped.

    Every string it holds (nested dict and list values and keys too) must be storable: a NUL
    or a lone surrogate is a validation error at that field's location, whatever the field's
    type says; numbers must be finite.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)

    @model_validator(mode="wrap")
    @classmethod
    def _text_is_storable(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        if isinstance(data, dict):
            problems = [
                InitErrorDetails(type=_PROBLEMS[reason], loc=loc, input=None)
                for loc, reason in unstorable(data)
            ]
            if problems:
                raise ValidationError.from_exception_data(cls.__name__, problems)
        return handler(data)


class ReadModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    next_cursor: str | None = None
