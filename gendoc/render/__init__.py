"""Stage render: narratives and the kind's templates to text, with schema-driven table grids; one module per output format."""
