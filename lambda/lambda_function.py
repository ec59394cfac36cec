"""AWS Lambda entry point: ``lambda_function.handler``."""

from back_pain_guide.skill import lambda_handler as handler

__all__ = ["handler"]
