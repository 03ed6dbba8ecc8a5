"""Stage review: figure diffs in official labels, git plumbing, the one-file schema for editors."""
