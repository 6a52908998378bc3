"""One state per page, all inheriting the signed-in session from SessionState."""
