"""Helpers the tests share, one module a subject (the fixtures themselves are in tests/conftest.py):

- `words`: a text's words, compared in order (every word of a source in an edition), and the
  archive letter's own sections;
- `pdf_text`: a PDF read back, by PDFium (fast, for long books) or pypdf (a page's pieces with
  their size or height);
- `source_edits`: a source file changed in place, and the line a fragment is on;
- `generated`: hypothesis strategies for generated sources;
- `shelf_project`: a copy of the project with a few small works, and a release folder's invariants;
- `scripts`: one short work in each script the archive publishes in (tests/test_scripts.py).
"""
