"""Operating the platform: the production server (`fazhi serve`), backup and restore."""
