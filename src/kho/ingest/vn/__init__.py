"""Vietnamese data rules: text, legacy fonts, numbers, dates, booleans, codes and slugs."""
