"""Who is acting: organisations, users, tokens, grants (the sharing issue extends this)."""
