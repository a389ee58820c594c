"""Static files for whitenoise: compressed copies and hashed names once `fazhi collectstatic`
has run (`fazhi serve` runs it at start); plain names before that (tests, a fresh checkout)."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]
    """Hashed names (cached for a year by whitenoise) for every file in the manifest; a file the
    manifest lacks, or no manifest at all, keeps its plain name instead of failing the page."""

    manifest_strict = False

    def stored_name(self, name: str) -> str:
        if not self.hashed_files:
            return name
        try:
            return str(super().stored_name(name))
        except ValueError:  # not collected: serve it under its plain name (short cache)
            return name
