import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from backend.models import StageKind
from kit.fields import NonNegativeInt32
from kit.schemas import ReadModel, RequestModel

StageName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
CENT = Decimal("0.01")
# Quantized so a response shows what the database stores ("55.50", not "55.5").
Probability = Annotated[
    Decimal,
    Field(ge=0, le=100, max_digits=5, decimal_places=2),
    AfterValidator(lambda value: value.quantize(CENT)),
]
RottingDays = Annotated[int, Field(gt=0, le=3650)]


class StageCreate(RequestModel):
    name: StageName
    probability: Probability
    kind: StageKind = StageKind.open
    rotting_days: RottingDays | None = None
    # 0-based place in the pipeline; appended at the end when omitted.
    position: NonNegativeInt32 | None = None


class StageUpdate(RequestModel):
    name: StageName | None = None
    probability: Probability | None = None
    kind: StageKind | None = None
    rotting_days: RottingDays | None = None

    @model_validator(mode="after")
    def _required_stay_set(self) -> "StageUpdate":
        for name in ("name", "probability", "kind"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self


class StageReorder(RequestModel):
    stage_ids: Annotated[list[uuid.UUID], Field(min_length=1)]


class StageRead(ReadModel):
    id: uuid.UUID
    name: str
    position: int
    probability: Decimal
    kind: StageKind
    rotting_days: int | None
    created_at: datetime
    updated_at: datetime
