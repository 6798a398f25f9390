"""Evidence: what a result statement says about one arm against another.

`arms` finds a prompt's intervention, comparator and outcome in a text and masks them as
placeholders, so that a model learns `INTV ... lower than COMP` rather than drug names;
`features` turns a masked passage into the effect model's features; `answer` picks the passage of
a document that answers a prompt and states its effect; `job` is the `claimx evidence` verb.
"""
