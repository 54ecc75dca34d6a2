"""Reading sources: a work's folder (work.toml and Markdown parts) → the validated document model."""
