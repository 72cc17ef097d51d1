"""Operations tables (only what must be queried)."""
