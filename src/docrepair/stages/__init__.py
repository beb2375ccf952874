"""Pipeline stages. Each module is one stage; stages depend only on the core (model, config,
errors, keys, sketch) and never on each other."""
