"""Per-field messages out of an API validation error, for showing next to each input."""

from vectoros_ui.api import ApiError

SEPARATOR = "; "


def field_label(field: str) -> str:
    """How api.py names a field in its message ('contact_email' -> 'Contact email')."""
    return field.replace("_", " ").capitalize()


def split_field_errors(
    exc: ApiError, fields: list[str], by_code: dict[str, str] | None = None
) -> tuple[dict[str, str], str]:
    """Messages keyed by field, plus what belongs to no field ('' when nothing is left).

    `by_code` puts a business error (code -> field) next to its field too.

    api.ApiError keeps only its text, where a validation error reads
    "Amount: Input should be ...; Contact email: value is not ...", so the fields are
    found again by their labels.
    """
    errors = dict.fromkeys(fields, "")
    if by_code and exc.code in by_code:
        errors[by_code[exc.code]] = exc.message
        return errors, ""
    if exc.code != "validation_error":
        return errors, exc.message
    by_label = {field_label(f): f for f in fields}
    rest: list[str] = []
    for part in exc.message.split(SEPARATOR):
        label, _, text = part.partition(": ")
        field = by_label.get(label)
        if field and text:
            errors[field] = f"{errors[field]} {text}".strip() if errors[field] else text
        else:
            rest.append(part)
    return errors, SEPARATOR.join(rest)
