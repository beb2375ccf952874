"""Pipeline stages. Each module is one stage: a NAME and `propose(view, config) -> Proposal`
(docrepair.stage), exposed as one Stage value (or one per point of the pipeline where its work
straddles another stage's). Stages depend only on the core (model, config, errors, ledger, stage,
and the shared helpers garble, keys, sketch, charlm, readings, align) and never on each other."""
