"""Enrolment in municipal home health care (inskriven i hemsjukvården) and the patient's fixed
physician and fixed care contact (issue 13, decision 0018)."""
