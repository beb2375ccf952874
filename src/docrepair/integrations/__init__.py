"""docrepair inside other people's pipelines. Each module here imports the framework it serves, so
none is imported by `import docrepair`: `from docrepair.integrations.datatrove import RepairStep`
needs `pip install 'docrepair[datatrove]'`, and nothing else does."""
