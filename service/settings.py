"""Service settings, from environment variables prefixed ARCHETYPE_ (defaults work as they are)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ARCHETYPE_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8000
    model: str | None = Field(None, description="model folder; default models/default")
    mode: str | None = Field(None, description="standard (default) or fast (static encoder, less accurate)")
    backend: str | None = Field(None, description="onnx-int8, onnx or torch (default: chosen at training)")
    max_chars: int = Field(200_000, description="largest document, in characters (413 above it)")
    max_batch: int = Field(64, description="most documents in one /v1/classify/batch call")
    max_batch_bytes: int = Field(16 * 1024 * 1024, description="largest /v1/classify/batch body, in bytes")
    max_upload_bytes: int = Field(10 * 1024 * 1024, description="largest uploaded file")
    max_extracted_bytes: int = Field(
        8 * 1024 * 1024, description="most bytes an upload may decompress to (DOCX parts, PDF streams)"
    )
    extract_seconds: float = Field(10.0, description="most seconds spent reading text out of one upload")
    upload_workers: int = Field(1, description="uploads read at once; apart from the classification workers")
    api_key: str | None = Field(None, description="when set, /v1 calls need 'Authorization: Bearer <key>'")
    cache_size: int = Field(100_000, description="distinct segments kept embedded; 0 turns the cache off")
    workers: int = Field(2, description="classifications run at once, off the event loop")
    pay_bands: str | None = Field(None, description="a CSV of market pay bands for lint (default: shipped)")
    log_level: str = "info"
