"""factdesk: check claims against your own articles, offline by default."""

__version__ = "0.1.0"
