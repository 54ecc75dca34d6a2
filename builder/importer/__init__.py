"""Archive page (an HTML file or address, a reader's plain-text copy) or a book's contents page → a source folder: work.toml, Markdown parts, images and an import report."""
