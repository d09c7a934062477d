"""Old home of the use cases: they live in chalicelib.usecases now."""

from chalicelib.usecases import Answer, Hadir

__all__ = ["Answer", "Hadir"]
