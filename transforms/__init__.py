"""newsmon transforms."""
