"""Stage load: report bytes to plain data with a source map (file:line:col for every value)."""
