"""The hardened intake of uploaded files: zip and XML safety, cleaning a package, and what was dropped."""
