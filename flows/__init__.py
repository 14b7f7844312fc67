"""newsmon flows."""
