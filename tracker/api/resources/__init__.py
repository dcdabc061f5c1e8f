"""The API's resources, grouped as the site's pages are (people, votes, places...)."""
