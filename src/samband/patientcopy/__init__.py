"""The patient's copy of the documented agreement: plain words, a printable page and a PDF."""
