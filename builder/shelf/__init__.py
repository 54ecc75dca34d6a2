"""Building a shelf: source folders → each work's editions, made on every core, kept or rebuilt by
key, committed to dist/."""
