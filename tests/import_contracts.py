"""An import-linter contract the built-in ones cannot say (pyproject.toml [tool.importlinter]).

``public_api``: a package of `packages` is imported from outside itself only through its public
modules (`public`, e.g. services and queries), and no module imports a private name (``_x``)
of another top-level package of the app. `exempt` importers (the composition root: the app
factory, the table registry, the CLI and the demo) may import anything.
"""
from __future__ import annotations

import re

from importlinter import Contract, ContractCheck, fields, output

#: The imported names of a ``from x import a, b as c`` line.
_NAMES = re.compile(r"^\s*from\s+\S+\s+import\s+\(?(?P<names>[^)#]*)")


def _top(module: str, depth: int = 2) -> str:
    return ".".join(module.split(".")[:depth])


def _private_names(line: str) -> list[str]:
    match = _NAMES.match(line)
    if not match:
        return []
    names = [part.strip().split(" as ")[0].strip() for part in match["names"].split(",")]
    return [name for name in names if name.startswith("_") and not name.startswith("__")]


class PublicApiContract(Contract):
    type_name = "public_api"

    packages = fields.ListField(subfield=fields.StringField())
    public = fields.ListField(subfield=fields.StringField())
    exempt = fields.ListField(subfield=fields.StringField(), required=False)

    def check(self, graph, verbose: bool) -> ContractCheck:
        packages = set(self.packages)
        public = {f"{package}.{module}" for package in packages for module in self.public}
        exempt = set(self.exempt or ())
        breaches = []
        for importer in sorted(graph.modules):
            if importer in exempt or not importer.startswith("app."):
                continue
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                if not imported.startswith("app.") or _top(importer) == _top(imported):
                    continue
                details = graph.get_import_details(importer=importer, imported=imported)
                target = _top(imported)
                if target in packages and imported not in public:
                    breaches += [(importer, imported, d["line_number"], d["line_contents"],
                                  "not a public module") for d in details]
                for d in details:
                    private = _private_names(d["line_contents"])
                    if private:
                        breaches.append((importer, imported, d["line_number"],
                                         d["line_contents"], f"private {', '.join(private)}"))
        return ContractCheck(kept=not breaches, metadata={"breaches": breaches})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for importer, imported, line, contents, why in check.metadata["breaches"]:
            output.print_error(f"{importer} -> {imported} ({why}), l.{line}: {contents.strip()}")
        output.new_line()
