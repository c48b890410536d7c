"""Data access: the one path into SQL (db), the per-database memo, and where files live."""
