"""Drafts: text typed in a long form, kept sealed to its writer across a time-out."""
