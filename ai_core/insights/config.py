"""Insight generation knobs, read from `INSIGHTS_*` environment variables and the root `.env`."""

from typing import Annotated

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from ai_core.config import ROOT_DIR


class InsightSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="INSIGHTS_",
        env_file=ROOT_DIR / ".env",
        env_file_encoding="utf-8",
        extra="ignore",
        env_ignore_empty=True,
    )

    # Deals Claude is asked to explain per run, whatever the workspace's size: the bound that
    # keeps a run's tokens flat.
    top_k: Annotated[int, Field(ge=1, le=50)] = 12
    llm_timeout_seconds: Annotated[float, Field(gt=0)] = 60.0
    # The SDK's own retries of 408/409/429/5xx and connection errors, per request.
    llm_max_retries: Annotated[int, Field(ge=0)] = 2
    # Everything Claude may take in one run (retries and the re-ask included).
    llm_budget_seconds: Annotated[float, Field(gt=0)] = 180.0
    max_output_tokens: Annotated[int, Field(ge=256)] = 4096
    # The snapshot arrives gzipped: 100,000 open deals are ~5 MB compressed, ~25 MB raw.
    max_request_bytes: int = 64 * 1_048_576
    max_decompressed_bytes: int = 512 * 1_048_576


insight_settings = InsightSettings()
