"""Runtime settings shared by every service. Only a service's `bootstrap.py` instantiates them.

Environment variables with the `SHOP_` prefix, e.g. `SHOP_NATS_URL`, `SHOP_CLOCK=simulation`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class RuntimeSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SHOP_", extra="ignore")

    nats_url: str = Field("nats://127.0.0.1:4222", description="NATS server(s), comma separated")
    nats_user: str | None = None
    nats_password: str | None = None
    nats_creds: Path | None = Field(None, description="a .creds file (cluster deployment)")
    connect_timeout: float = Field(2.0, gt=0)
    request_timeout: float = Field(5.0, gt=0)
    clock: Literal["system", "simulation"] = "system"
    business_tz: str = "Asia/Shanghai"
    log_level: str = "INFO"
    log_json: bool = True
    var_dir: Path = Path("var")
    health_host: str = Field("127.0.0.1", description="0.0.0.0 in containers")
    health_port: int | None = Field(None, ge=0, le=65535, description="HTTP health port; unset: none")
    handler_concurrency: int = Field(64, ge=1, le=1024, description="requests handled at once per subject")
    aggregate_cache_size: int = Field(10_000, ge=0)
    projection_batch_size: int = Field(256, ge=1, le=10_000)
    max_deliver: int = Field(5, ge=1, le=100)

    def database_url(self, service: str, override: str | None) -> str:
        if override:
            return override
        return f"sqlite+aiosqlite:///{(self.var_dir / f'{service}.db').resolve()}"
