"""Writing editions: the document model → EPUB and PDF bytes, through the shared templates in styles/."""
