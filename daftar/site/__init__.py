"""The project shell, at the top: the home page and the error pages, the site context processor,
``/.well-known/security.txt`` and the Django admin's own set-up. It may import any package."""
