"""newsmon expectations."""
