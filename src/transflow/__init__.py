"""transflow: documents -> sentence-level PO catalogs -> localized documents."""

__version__ = "0.1.0"
