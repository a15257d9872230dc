"""Cross-cutting pieces: Persian normalisation, Jalali dates, API errors, throttles."""
