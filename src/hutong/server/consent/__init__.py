"""What each user allowed each mini program (scopes), and the profile the host shows for them."""
