"""Registry pages, one module per entity: lists with filters, forms, details; curators act for
their school only. The XLSX pages are in registry.views_io."""
