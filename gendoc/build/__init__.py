"""Stage build: one report end to end within a project, many reports incrementally and in parallel, atomic writes, the index page."""
