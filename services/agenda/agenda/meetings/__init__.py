"""Meetings, attendees and agenda items."""
