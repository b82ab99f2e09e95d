"""Settings from HUTONG_* environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HUTONG_", extra="ignore")

    data_dir: Path = Field(default=Path("data"), description="SQLite database and blobs live here.")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy async URL; defaults to SQLite in data_dir."
    )
    redis_url: str | None = Field(
        default=None, description="Redis for limits shared across processes; in-process otherwise."
    )
    master_key: SecretStr | None = Field(
        default=None,
        description="Master key(s) that seal secrets at rest: base64 of 32 bytes, several separated by "
        "commas during a rotation (the first seals, all unseal). See docs/security.md.",
    )
    master_key_file: Path | None = Field(
        default=None,
        description="A file (mode 0600) holding the master key(s), one per line; instead of master_key. "
        "With neither, <data_dir>/master-key is generated on first start.",
    )
    log_level: str = "INFO"
    log_json: bool = False
    public_url: str = Field(default="http://127.0.0.1:8000", description="How users reach the platform.")
    secure_cookies: bool = Field(default=False, description="Mark cookies Secure (set behind HTTPS).")
    rate_limit_per_minute: int = Field(default=1200, description="API requests per client per minute.")
    auth_rate_limit_per_minute: int = Field(
        default=30, description="Sign-in, sign-up and token requests per client per minute."
    )
    identity_codes_per_minute: int = Field(
        default=30, description="wx.login and phone number codes a user may get per minute."
    )
    server_api_per_minute: int = Field(
        default=600,
        description="Calls per minute an app's server may make to code2session, token and the like.",
    )
    vapid_subject: str = Field(
        default="mailto:operator@hutong.invalid",
        description="The contact push services see in Web Push requests (VAPID `sub`): mailto: or https:.",
    )
    subscribe_send_per_minute: int = Field(
        default=300,
        description="Subscription messages an app's server may send per minute (45011 beyond it).",
    )
    support_messages_per_minute: int = Field(
        default=30, description="Customer service messages a user may send per minute."
    )
    feedback_per_hour: int = Field(default=10, description="Feedback a user may submit per hour.")
    chat_messages_per_minute: int = Field(
        default=120, description="Chat messages (and shares into chats) a user may send per minute."
    )
    friend_requests_per_hour: int = Field(default=30, description="Friend requests a user may send per hour.")
    share_attribution_hours: int = Field(
        default=24,
        ge=1,
        le=24 * 30,
        description="Hours after opening a share within which the opener's payments count toward it.",
    )
    payments_api_per_minute: int = Field(
        default=6000, description="WeChat Pay v3 API calls per merchant per minute."
    )
    wechatpay_api_url: str | None = Field(
        default=None,
        description="The address merchants' WeChat Pay SDKs reach the /v3 API by, for download URLs "
        "(https://api.mch.weixin.qq.com behind `hutong pay gateway`); public_url by default.",
    )
    upload_max_bytes: int = Field(default=20 * 1024 * 1024, description="Largest project zip accepted.")
    upload_max_unpacked_bytes: int = Field(default=60 * 1024 * 1024, description="Largest unpacked project.")
    upload_max_files: int = Field(default=5000, description="Most files in one uploaded project.")
    egress_allow_networks: str = Field(
        default="",
        description="Comma-separated networks the egress proxy may reach although they are private or "
        "loopback (tests and local development only; empty in production).",
    )
    egress_max_bytes: int = Field(
        default=10 * 1024 * 1024, description="Largest request or response body the egress proxy carries."
    )
    egress_max_seconds: float = Field(default=60.0, description="Longest an egress request may take.")
    egress_app_per_minute: int = Field(default=600, description="Egress requests per app per minute.")
    egress_client_per_minute: int = Field(
        default=120, description="Egress requests per client (address and audience) per minute."
    )
    funding_sandbox_url: str = Field(
        default="", description="The sandbox bank's address (docs/payments.md); empty: no top-ups."
    )
    funding_sandbox_api_key: str = Field(default="", description="The sandbox bank's API key.")
    funding_sandbox_webhook_secret: str = Field(
        default="", description="The secret the sandbox bank signs its callbacks with."
    )
    funding_timeout_seconds: float = Field(
        default=5.0, description="How long a funding request may take before its outcome is left unknown."
    )
    wallet_transfers_per_minute: int = Field(
        default=10, description="Top-ups and withdrawals a user may start per minute."
    )
    counter_pin_free_fen: int = Field(
        default=100_000,
        description="The largest payment-code (counter) payment taken without the payer's PIN, in fen "
        "(WeChat asks above 1,000 yuan); a user may set a lower limit of their own.",
    )

    sqlite_busy_timeout_seconds: float = Field(
        default=5.0,
        description="On SQLite, how long a write waits for another process's write to finish before "
        "failing 'database is locked' (a process's own writes queue in turn, db/sqlite_writers.py).",
    )
    require_signed_uploads: bool = Field(
        default=False,
        description="Take only uploads signed by a registered developer key, from every organization (an "
        "organization that has registered a key is held to it whatever this says).",
    )

    outbox_worker: bool = Field(
        default=True,
        description="Run an outbox worker in this server process (0 when only `hutong outbox run` workers "
        "should deliver).",
    )
    outbox_poll_seconds: float = Field(
        default=1.0, description="How often an idle outbox worker looks for due jobs."
    )
    analytics_timezone: str = Field(
        default="UTC", description="The time zone analytics days and hours are counted in (IANA name)."
    )
    analytics_retention_days: int = Field(
        default=400, ge=31, description="Raw analytics events older than this many days are dropped."
    )
    analytics_flush_seconds: float = Field(
        default=1.0, description="How often a server process writes the events it has buffered."
    )
    analytics_regions_file: str = Field(
        default="",
        description="CSV of address ranges → province and city for the user portrait"
        " (network,province_code,province,city_code,city); empty: no regions are counted.",
    )
    analytics_buffer_limit: int = Field(
        default=50_000, description="Events a process holds before it asks hosts to send later (503)."
    )
    coupon_reminder_hours: int = Field(
        default=72,
        ge=1,
        le=24 * 30,
        description="Users are reminded once of a claimed, unused coupon this many hours before it expires.",
    )
    outbox_keep_days: int = Field(
        default=30,
        ge=1,
        description="Days a finished (done or dead) outbox job and its tries stay for the delivery logs.",
    )
    map_tile_url: str | None = Field(
        default=None,
        pattern=r"^https?://[^\s\"'<>]+$",
        description="The tiles <map> draws, as a Leaflet URL template "
        "(https://tiles.example/{z}/{x}/{y}.png; {s} takes a, b or c), in the coordinate system the "
        "apps use: GCJ-02 for maps of China. Unset: a plain grid (docs/ARCHITECTURE.md, 'Maps').",
    )
    map_tile_attribution: str = Field(
        default="", description="The tile provider's credit, shown in the corner of every <map>."
    )

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"

    @property
    def source_dir(self) -> Path:
        """Uploaded project zips: private, unlike blobs, which anyone with the hash may fetch."""
        return self.data_dir / "sources"

    @property
    def signing_key_path(self) -> Path:
        """The platform's first signing key (PlatformKeys: later ones are in platform_keys_dir)."""
        return self.data_dir / "platform-signing-key.pem"

    @property
    def platform_keys_dir(self) -> Path:
        return self.data_dir / "platform-keys"

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'hutong.db').resolve()}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
