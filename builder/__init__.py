"""Publication builder: structured public-domain texts into EPUB 3 and typeset PDF editions."""

__version__ = "0.1.0"
NAME = "Folio"
