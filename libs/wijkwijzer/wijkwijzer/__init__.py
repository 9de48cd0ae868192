"""Plumbing shared by the WijkWijzer services. Domain logic never lives here."""
