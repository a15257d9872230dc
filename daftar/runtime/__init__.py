"""The runtime: the machinery every request and process runs on, above the kernel.

Request guards and load shedding (``middleware``, ``admission``, ``outage``), cache counters and
the Redis backend (``ratelimit``, ``cache``), ``Idempotency-Key`` and its model, multi-row
inserts, local write-ahead spools and their task, deployment checks, backup and restore
(``backup``; commands ``backup``, ``restore``, ``spool_flush``), JSON logs with request ids and
error reporting (``logging_setup``, ``logging_middleware``, ``scrub``, ``sentry``), and
housekeeping (``housekeeping``; command ``housekeeping``). It imports only the kernel
(``.importlinter``): what a domain app must add (a spool, a backup verifier, a check, the API's
authentication for the admission gate, a housekeeping purge) the app registers from its ``AppConfig.ready``.
"""
