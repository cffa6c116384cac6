"""Business actions on documents, one module per family (the lead is moving services.py here)."""
