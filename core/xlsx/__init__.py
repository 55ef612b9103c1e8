"""One XLSX toolkit for every import and export: `spec` (columns, rows, problems), `reader`
(checked, cleaned reading), `writer` (safe cells, tables, templates, exports)."""
