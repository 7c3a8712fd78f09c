"""The patient's own measurements on a tablet (docs/decisions/0008-patient-self-report.md)."""
