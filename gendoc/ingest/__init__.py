"""Import and audit of published reports: web pages, Word files, PDFs and plain text."""
