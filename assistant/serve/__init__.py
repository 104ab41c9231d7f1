"""`factdesk serve`: the desk in a browser, on the same library as the command line."""
