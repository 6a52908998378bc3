"""What Alembic's autogenerate compares: our models, not objects declared elsewhere."""

from backend.models.deal import SEARCH_INDEX


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    # Declared in the migration only (see backend.models.deal.SEARCH_INDEX).
    if type_ == "index" and name == SEARCH_INDEX:
        return False
    # procrastinate's job-queue tables come from its own schema file, not from our models.
    return not (reflected and name is not None and name.startswith("procrastinate_"))
