"""Stage check: the schema gate, JSON Schema findings, the kind's rules (derive and 勾稽关系) and prose checks."""
