"""Document kinds: a schema, its rules and templates found as data on disk, and the official labels read from the schema."""
