"""Channel services: each turns its channel's input into calls of cases.services.intake."""
