"""What the monitoring knows of an episode, summarised for the pages that show a patient (the
round, the patient page): ``summary`` builds it, ``repository`` reads it."""
