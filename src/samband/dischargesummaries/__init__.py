"""The discharge summary (utskrivningsinformation, issue 14)."""
