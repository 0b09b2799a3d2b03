"""Stakeholder meetings: priority clients, meeting series, agendas, minutes, action items."""
