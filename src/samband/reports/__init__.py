"""Reports made as jobs (issue 11): ordered, made off the request path as the person who
asked, downloaded by that person."""
