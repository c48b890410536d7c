"""Area codes beyond ONS's own, shared by the build's marts and the readers of the warehouse."""

from __future__ import annotations

UK, UK_EX_LONDON, UK_WHOLE = "UKX", "UK_EX_LONDON", "K02000001"  # UKX: the UK less Extra-Regio
CORE_COUNCILS, CORE_CITY_REGIONS = "CORE_CITIES_COUNCILS", "CORE_CITIES_CITY_REGIONS"
