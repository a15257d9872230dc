"""Apps kept only for their migration history: their code moved elsewhere, but other apps'
migrations and existing databases still name their label (decision 0025)."""
