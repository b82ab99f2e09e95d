"""Settings from HUTONG_* environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HUTONG_", extra="ignore")

    data_dir: Path = Field(default=Path("data"), description="SQLite database and blobs live here.")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy async URL; defaults to SQLite in data_dir."
    )
    log_level: str = "INFO"
    log_json: bool = False
    public_url: str = Field(default="http://127.0.0.1:8000", description="How users reach the platform.")

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'hutong.db').resolve()}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
