"""G.711 mu-law against the reference encoder's known values, and the simulated phone line."""

from __future__ import annotations

import numpy as np

from assistant.speech.g711 import mulaw_decode, mulaw_encode, telephone_line

# (linear sample, mu-law byte) pairs produced by the ITU/Sun reference encoder (Python's audioop).
REFERENCE_CODES = [
    (0, 0xFF),
    (-1, 0x7E),
    (1000, 0xCE),
    (-1000, 0x4E),
    (32767, 0x80),
    (-32768, 0x00),
    (8, 0xFE),
]


def test_encoder_matches_the_reference() -> None:
    samples = np.array([sample for sample, _ in REFERENCE_CODES], dtype=np.int16)
    assert mulaw_encode(samples).tolist() == [code for _, code in REFERENCE_CODES]


def test_decoder_matches_the_reference() -> None:
    codes = np.array([0xFF, 0x7F, 0x80, 0x00, 0xCE], dtype=np.uint8)
    assert mulaw_decode(codes).tolist() == [0, 0, 32124, -32124, 988]


def test_round_trip_error_is_within_half_a_quantization_step() -> None:
    samples = np.arange(-32124, 32125, dtype=np.int32)
    decoded = mulaw_decode(mulaw_encode(samples.astype(np.int16))).astype(np.int32)
    # Steps grow with the level: 1/16 of it, so half a step is about 1/32 (plus the bias).
    assert np.all(np.abs(decoded - samples) <= np.abs(samples) / 32 + 8)
    every_code = mulaw_decode(np.arange(256, dtype=np.uint8))
    assert np.array_equal(mulaw_decode(mulaw_encode(every_code)), every_code)


def test_telephone_line_keeps_speech_band_and_cuts_above_4_khz() -> None:
    rate = 16000
    t = np.arange(rate) / rate
    low = (8000 * np.sin(2 * np.pi * 1000 * t)).astype(np.int16)
    high = (8000 * np.sin(2 * np.pi * 6000 * t)).astype(np.int16)
    low_out, high_out = telephone_line(low), telephone_line(high)
    assert low_out.dtype == np.int16 and low_out.shape == low.shape
    assert np.std(low_out[1000:-1000]) > 0.8 * np.std(low[1000:-1000])
    assert np.std(high_out[1000:-1000]) < 0.05 * np.std(high[1000:-1000])
