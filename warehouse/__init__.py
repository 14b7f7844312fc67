"""newsmon warehouse."""
