"""Global24: an open-media news desk."""

__version__ = "0.1.0"
