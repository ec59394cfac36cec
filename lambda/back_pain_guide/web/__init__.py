"""The Flask web service that answers Alexa over HTTPS (app.py) and its request-signature check
(verify.py). Local and self-hosted only: the Lambda package leaves this folder out."""
