"""Each page's presentation logic, one module per page: it takes the query frames of
:mod:`data_access.queries` and returns what a card, a table or a chart shows. Nothing here reads the
store or draws on the page."""
