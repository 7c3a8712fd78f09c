"""Care pathways (vårdflöden): configured in YAML, validated at load."""
