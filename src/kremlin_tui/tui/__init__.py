"""The Textual front end. Everything here only presents: the rules live in the engine."""
