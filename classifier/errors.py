"""One base exception and the specific failures a user can hit. Messages carry the offending value."""

from __future__ import annotations


class ArchetypeError(Exception):
    """Base class for every error this package raises on purpose."""


class InputError(ArchetypeError, ValueError):
    """The document cannot be classified as given."""

    code = "bad_input"


class EmptyTextError(InputError):
    code = "empty_text"


class BinaryInputError(InputError):
    code = "binary_input"


class TextTooLargeError(InputError):
    code = "text_too_large"


class InvalidUnicodeError(InputError):
    """Text holding lone surrogates: it cannot be encoded, hashed or written back as UTF-8."""

    code = "invalid_unicode"


class ExtractionLimitError(InputError):
    """An upload expands past the decompressed-size or time budget (an archive or stream bomb)."""

    code = "extraction_limit"


class UnsupportedLanguageError(InputError):
    code = "unsupported_language"


class UnsupportedFormatError(InputError):
    code = "unsupported_file_type"


class InvalidKindError(InputError):
    code = "invalid_kind"


class OutputError(ArchetypeError):
    """A bulk run cannot write where it was told to (the input itself, unwritable, in use)."""


class ModelError(ArchetypeError):
    """A model artifact is missing, broken, tampered with or foreign."""


class TrainingDataError(ArchetypeError):
    """The training data is malformed (the message names the file and line)."""
