"""Notifications that reach a person (issue 11, decision 0013): in the app, by e-mail
(SMTP) and by SMS (an HTTP gateway), with every delivery recorded."""
