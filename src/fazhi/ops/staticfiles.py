"""Static files for whitenoise: `fazhi collectstatic` (run by `fazhi serve` at start) writes
compressed copies and hashed names; pages link the hashed names in the processes `fazhi serve`
starts (FAZHI_STATIC_HASHED), plain names elsewhere (tests, runserver, a fresh checkout)."""

from __future__ import annotations

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]
    """Hashed names (cached "forever" by whitenoise) for every file in the manifest; a file the
    manifest lacks, or no manifest at all, keeps its plain name instead of failing the page."""

    manifest_strict = False

    def stored_name(self, name: str) -> str:
        if not settings.FAZHI_STATIC_HASHED or not self.hashed_files:
            return name
        try:
            return str(super().stored_name(name))
        except ValueError:  # not collected: serve it under its plain name (short cache)
            return name
