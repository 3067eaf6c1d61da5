"""Tax-data redaction (地方税法 Art. 22) for conference text and structured records.

>>> redact_text("税務課によると、住民税は非課税。").masked
'［税情報］。'
"""

from .detect import Redaction, find_tax_spans, redact_record, redact_text
from .spans import TAX_PLACEHOLDER, Span, apply_overrides, mask, normalize

__all__ = [
    "TAX_PLACEHOLDER",
    "Redaction",
    "Span",
    "apply_overrides",
    "find_tax_spans",
    "mask",
    "normalize",
    "redact_record",
    "redact_text",
]
