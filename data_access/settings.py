"""The one settings module: every tunable of the store and the dashboard, read from the environment."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "data" / "declarations.db"
LOCAL_TZ_NAME = "Asia/Ho_Chi_Minh"


class Settings(BaseSettings):
    """Settings, each overridable by an environment variable of the same name in upper case."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    database_url: str = Field(default="", description="SQLAlchemy URL of the store; empty = embedded SQLite")
    dashboard_database_url: str = Field(
        default="", description="URL the dashboard reads with (a SELECT-only role); empty = DATABASE_URL"
    )
    dashboard_refresh_seconds: float = Field(default=10.0, gt=0)
    dashboard_shared_figures: bool = Field(
        default=True,
        description="live refreshes count at the start of their refresh tick and share each aggregate figure "
        "with every viewer of that tick (false: every viewer runs every query at its own instant)",
    )
    dashboard_timing_log: bool = Field(
        default=True, description="one line per run of a page's live part on the logger dashboard.timing (INFO)"
    )
    silent_after_minutes: int = Field(
        default=30, gt=0, description="a checkpoint with no declaration for this long is silent"
    )
    adoption_target: float = Field(default=0.80, ge=0, le=1)
    map_tile_url: str = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"
    map_tile_attribution: str = "© OpenStreetMap"
    import_batch_rows: int = Field(
        default=50_000, gt=0, description="rows per import transaction (the unit an interrupted import resumes from)"
    )
    import_workers: int = Field(
        default=1, ge=0, description="processes that read and normalise a large file while the importer writes"
    )
    import_parallel_bytes: int = Field(
        default=8_000_000, ge=0, description="files larger than this are imported with import_workers"
    )
    quality_drop_share: float = Field(
        default=0.2, ge=0, le=1, description="an hour below this share of the same hour last week is flagged"
    )
    session_hours: float = Field(
        default=8, gt=0, description="a sign-in session ends this long after it started (not the wall screen's)"
    )
    session_idle_minutes: float = Field(
        default=30,
        gt=0,
        description="a sign-in session ends after this long without a page run (not the wall screen's)",
    )
    lockout_failures: int = Field(
        default=5, gt=0, description="failed sign-ins of one name within lockout_minutes that lock it"
    )
    lockout_minutes: float = Field(
        default=15, gt=0, description="the window the failures are counted in, and how long the name stays locked"
    )
    personal_data_days: int = Field(
        default=30, gt=0, description="names, ID numbers, phones and plates of declarations older than this are erased"
    )
    oidc_role_claim: str = Field(
        default="roles", description="the identity provider's claim that names a signed-in person's dashboard role"
    )
    kiosk_seconds: float = Field(default=20.0, ge=5, description="seconds each view stays on the wall screen")
    report_daily_at: str = Field(
        default="", description="local time (HH:MM) the launcher writes the previous day's briefing; empty = never"
    )
    report_dir: str = Field(
        default="data/reports", description="folder of the daily briefings (relative: to the project)"
    )
    report_pptx_template: str = Field(
        default="", description="a .pptx of the Department's own whose layouts the briefing deck uses; empty = built-in"
    )

    @property
    def store_url(self) -> str:
        """The URL the writers (init, seed, feed, import) use."""
        return self.database_url or f"sqlite:///{DEFAULT_SQLITE_PATH}"

    @property
    def reader_url(self) -> str:
        """The URL the dashboard reads with."""
        return self.dashboard_database_url or self.store_url

    @property
    def uses_embedded_store(self) -> bool:
        """True when no store is configured and the embedded demo SQLite file is used."""
        return not self.database_url


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once)."""
    return Settings()
