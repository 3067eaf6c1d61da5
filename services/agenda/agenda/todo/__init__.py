"""The caller's own to-do list: invitations and distributed agendas not yet read."""
