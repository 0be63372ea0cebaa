"""``facet vision serve``: cameras run by one instance per group (a lease), with their API."""
