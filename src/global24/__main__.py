from global24.cli import app

app()
