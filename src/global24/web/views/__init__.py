"""One module per page or area of the site and API; each exposes a ``router``."""
