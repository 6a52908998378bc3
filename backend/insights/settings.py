"""Insight generation knobs, from `INSIGHTS_*` environment variables and the root `.env`."""

from pydantic_settings import BaseSettings, SettingsConfigDict

from backend.config import ROOT_DIR


class GenerationSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="INSIGHTS_",
        env_file=ROOT_DIR / ".env",
        env_file_encoding="utf-8",
        extra="ignore",
    )

    # When every workspace with open deals gets its scheduled run (cron, UTC): daily by default.
    schedule_cron: str = "0 6 * * *"
    # A queued or running run younger than this stops another from being queued; an older
    # one was lost with its worker and no longer counts.
    active_run_hours: int = 6


generation_settings = GenerationSettings()
