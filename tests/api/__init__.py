"""The HTTP contract, through the Chalice test client."""
