"""Publishing: feeds (Atom, RSS, JSON Feed), the static export and signed webhooks."""
