"""Operations: liveness, readiness and Prometheus metrics (issue 20, decision 0038)."""
