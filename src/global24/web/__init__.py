"""The Global24 site and JSON API: ``create_app(settings, store=None)`` in ``global24.web.app``."""
