"""The spaCy layer: pipeline components and the extractor. spaCy objects never leave this package."""
