"""Operations pages in the admin: health, metrics, backups (superuser-only where it matters)."""
