"""Checking editions: built files → findings from EPUBCheck, Ace, page-validation, PDF read-backs
and the foreign-words guess."""
