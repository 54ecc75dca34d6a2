"""`folio serve`: a live preview of one work (its EPUB in the reading engine, its PDF, its web
edition), rebuilt when its source or styles/ change."""
