"""Systems portfolio: applications and infrastructure, their owners, costs and links."""
