"""G.711 mu-law, and a simulated phone line: 16 kHz audio squeezed through 8 kHz mu-law and back.

Calls reach the assistant as 8 kHz G.711, so recognition is measured on audio that went
through the same narrowing: resampled to 8 kHz (soxr), mu-law encoded and decoded, then
resampled back to the 16 kHz the engines take.
"""

from __future__ import annotations

import numpy as np
import soxr

BIAS = 0x84
BIAS_14BIT = BIAS >> 2
MAX_BIASED_14BIT = 0x1FFF
WIDE_RATE_HZ = 16000
PHONE_RATE_HZ = 8000


def mulaw_encode(samples: np.ndarray) -> np.ndarray:
    """int16 samples as G.711 mu-law bytes (uint8), bit-exact with the ITU/Sun reference encoder."""
    values = samples.astype(np.int32) >> 2
    sign = np.where(values < 0, 0x00, 0x80)
    magnitude = np.minimum(np.abs(values) + BIAS_14BIT, MAX_BIASED_14BIT)
    exponent = np.floor(np.log2(magnitude)).astype(np.int32) - 5
    mantissa = (magnitude >> (exponent + 1)) & 0x0F
    return (~(exponent << 4 | mantissa) & 0x7F | sign).astype(np.uint8)


def mulaw_decode(codes: np.ndarray) -> np.ndarray:
    """G.711 mu-law bytes (uint8) as int16 samples."""
    inverted = ~codes.astype(np.int32) & 0xFF
    exponent = (inverted >> 4) & 0x07
    mantissa = inverted & 0x0F
    magnitude = (((mantissa << 3) + BIAS) << exponent) - BIAS
    return np.where(inverted & 0x80, -magnitude, magnitude).astype(np.int16)


def telephone_line(audio: np.ndarray) -> np.ndarray:
    """16 kHz int16 audio as it sounds after an 8 kHz mu-law phone line, back at 16 kHz int16."""
    narrow = soxr.resample(audio.astype(np.float32) / 32768.0, WIDE_RATE_HZ, PHONE_RATE_HZ)
    narrow_int16 = np.clip(np.round(narrow * 32768.0), -32768, 32767).astype(np.int16)
    decoded = mulaw_decode(mulaw_encode(narrow_int16)).astype(np.float32) / 32768.0
    wide = soxr.resample(decoded, PHONE_RATE_HZ, WIDE_RATE_HZ)
    return np.clip(np.round(wide * 32768.0), -32768, 32767).astype(np.int16)
