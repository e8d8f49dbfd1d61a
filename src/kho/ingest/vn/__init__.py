"""Vietnamese data rules: text normalisation, legacy fonts, numbers, dates, booleans, codes, slugs."""
