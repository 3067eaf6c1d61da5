"""Typed text kept as a sealed draft across a time-out, and the time-out warning."""
