"""Protection of personal data at rest: field-level encryption with keys that can be rotated.

Any feature that keeps contact details (tracing requests' requesters, inquiries) seals each value
with :class:`FieldCipher` before it reaches the store, binding it to the row and field it belongs to
(associated data), so a sealed value copied into another row or column does not open.
"""

from athar.protect.fields import FieldCipher, SealedValueError
from athar.protect.keys import DataKey, DataKeyError, KeyRing, load_keyring

__all__ = ["DataKey", "DataKeyError", "FieldCipher", "KeyRing", "SealedValueError", "load_keyring"]
