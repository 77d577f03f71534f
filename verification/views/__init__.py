"""Views of the claim desk (staff) and the public reply form."""
