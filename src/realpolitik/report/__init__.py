"""Reports of stored runs: chart specifications, the self-contained HTML report and PNG charts."""
