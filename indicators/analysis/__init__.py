"""Analysis: memoised results that combine the warehouse readers (indicators.data) with the domain rules
(indicators.domain) — the figures the views, the CLI, the briefing and the warm-up share."""
