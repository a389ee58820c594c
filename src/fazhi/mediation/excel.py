"""人民调解 in Excel (placeholder replaced below)."""
