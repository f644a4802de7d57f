"""Version of the plugboard core and of the backend API it offers."""

__version__ = "0.1.0"

# The backend API version: a plugin built for (major, minor) loads when the major
# versions match and its minor is not newer than the core's.
API_VERSION: tuple[int, int] = (1, 0)
