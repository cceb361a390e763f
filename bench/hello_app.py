"""The hello-world reference: a bare Flask app served by the same gunicorn settings as giamsat,
so every page's req/s can be read as a fraction of what the stack alone allows."""
from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "Hello, World!"
