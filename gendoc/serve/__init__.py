"""Live preview: `gendoc serve` builds, serves build/ and rebuilds on every save."""
