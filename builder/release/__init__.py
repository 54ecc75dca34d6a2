"""The release folder: editions written into dist/ atomically, with manifest.json and SHA256SUMS, and verified."""
