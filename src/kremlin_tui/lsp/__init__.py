"""`kremlin-tui lsp`: a language server for story YAML (diagnostics, definitions, references,
completion, hover). `index` is headless and pure; `server` wires it to pygls."""
