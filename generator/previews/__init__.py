"""Slide pictures and PDFs: LibreOffice (one warm process per worker, or one-shot) and their storage per deck version."""
