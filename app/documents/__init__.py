"""Formal documents (NĐ 30/2020): templates, drafts, issuing and the registers."""
