from samband.cli import app

app()
