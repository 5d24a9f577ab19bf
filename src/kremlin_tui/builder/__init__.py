"""Building a `Story` from parsed story files, one module a concern (as ink's parser splits
choices, expressions and the rest): `reader` (typed YAML access and positions), `declarations`
(the first pass over every file), `state`, `manifest`, `codex`, `exprs` (expressions and
templates), `choices` (choices, outcomes, effects) and `scenes` (scenes, events, endings,
`extend`, targets). `story.build_story` runs the passes in order."""
