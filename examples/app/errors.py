"""The application's own exception classes."""


class AppError(Exception):
    """Base class for errors this service raises."""


class ConfigError(AppError, ValueError):
    """A setting is missing or malformed."""


class UpstreamUnavailable(AppError):
    """A provider could not be reached; the caller may try again later."""
