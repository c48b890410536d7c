"""Exports: charts (one definition used by the pages, the image export and the briefing) and the briefing pack."""
