"""WeasyPrint plumbing: HTML → laid-out boxes and PDF bytes, with the sandboxed fetcher and the guarded upstream changes."""
