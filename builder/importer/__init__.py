"""Archive page (an HTML file or address, a reader's plain-text copy) or a book's contents page →
a source folder: work.toml, Markdown parts, images and an import report."""

# Seconds between two requests to the network, whatever the cache holds (here, so that the CLI
# reads it without loading the fetcher).
DELAY = 1.0
