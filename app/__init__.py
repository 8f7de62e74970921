"""ticketgw: one GraphQL API over queue tickets and helpdesk tickets."""
