"""Views of the programmes app, split by who uses them."""
