"""Declarative workflows of every case family: pure Python data, no Flask or SQLAlchemy.

`workflows.registry.WORKFLOWS` maps a family to its `Workflow`; `workflows.engine` is the one
module that imports `transitions`.
"""
