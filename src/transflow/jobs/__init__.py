"""The jobs the commands run, one module each: extract, translate, build, check, review,
status, export and import TMX. A job reads the project (:mod:`transflow.project`), uses the
domain modules (catalogs and PO files, merge, formats, MT engines and executors, QA,
outputs) and writes what it made under the project lock; it never prints. The CLI
(:mod:`transflow.cli`) parses options, calls one job and reports what it returned.
"""
